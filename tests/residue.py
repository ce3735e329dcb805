"""Where a person's name or e-mail is still stored: every table's text, every file, every Redis key.

Used by the profile-deletion tests (issue 23 §3, §4). Nothing is sampled: all rows of all tables in the
store (reflected, so a table added later is searched too), every file under a directory (DOCX and other
ZIP containers opened, so a name inside ``word/document.xml`` counts), and every Redis key of every type
(RQ compresses job data with zlib: such values are searched decompressed too).
"""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path

from redis import Redis
from sqlalchemy import MetaData, select

from jobagent.store.session import get_engine


def _expanded(blob: bytes) -> list[bytes]:
    out = [blob]
    try:
        out.append(zlib.decompress(blob))
    except zlib.error:
        pass
    if zipfile.is_zipfile(io.BytesIO(blob)):
        with zipfile.ZipFile(io.BytesIO(blob)) as archive:
            out += [archive.read(member) for member in archive.namelist()]
    return out


def _hits(blob: bytes, needles: list[str]) -> list[str]:
    texts = [b.lower() for b in _expanded(blob)]
    return [n for n in needles if any(n.lower().encode() in t for t in texts)]


def in_tables(url: str, needles: list[str]) -> dict[str, list[str]]:
    """table name → the needles some row of it holds."""
    found: dict[str, list[str]] = {}
    metadata = MetaData()
    engine = get_engine(url)
    metadata.reflect(engine)
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            text = "\n".join(repr(tuple(row)) for row in conn.execute(select(table)))
            hits = _hits(text.encode(), needles)
            if hits:
                found[table.name] = hits
    return found


def in_files(root: Path, needles: list[str]) -> dict[str, list[str]]:
    """file path → the needles it holds (its name included)."""
    found: dict[str, list[str]] = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        hits = _hits(path.read_bytes() + b"\n" + str(path).encode(), needles)
        if hits:
            found[str(path.relative_to(root))] = hits
    return found


def in_redis(url: str, needles: list[str]) -> dict[str, list[str]]:
    """Redis key → the needles its value (of any type) or name holds."""
    redis = Redis.from_url(url)
    found: dict[str, list[str]] = {}
    for key in redis.scan_iter(count=1000):
        kind = redis.type(key).decode()
        values: list[bytes] = [key]
        if kind == "string":
            values.append(redis.get(key) or b"")
        elif kind == "hash":
            for field, value in redis.hgetall(key).items():
                values += [field, value]
        elif kind == "list":
            values += redis.lrange(key, 0, -1)
        elif kind == "set":
            values += list(redis.smembers(key))
        elif kind == "zset":
            values += redis.zrange(key, 0, -1)
        elif kind == "stream":
            for _, entry in redis.xrange(key):
                for field, value in entry.items():
                    values += [field, value]
        hits = sorted({n for value in values for n in _hits(value, needles)})
        if hits:
            found[key.decode(errors="replace")] = hits
    return found
