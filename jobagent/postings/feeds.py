"""Local JSON postings feeds mapped onto ``PostingData`` (the keys that store each posting once: ``dedup``).

Feeds come from many exporters, so the reader accepts the common spellings of each field rather than one
schema; anything it cannot use is skipped with a count instead of failing the whole feed.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jobagent.errors import InvalidInput
from jobagent.postings.dedup import canonical_url
from jobagent.postings.salary import read_pay
from jobagent.postings.schema import PostingData
from jobagent.text import html_to_text, normalize, parse_date

# Tags whose end starts a new line, so paragraphs and list items do not run into one another.
_TRUE_WORDS = {"true", "yes", "y", "1", "remote", "fully remote"}


@dataclass
class FeedLoad:
    """What a feed yielded; ``skipped`` lets callers say how much of the feed was unusable."""

    postings: list[PostingData] = field(default_factory=list)
    skipped: int = 0


def _first(raw: dict[str, Any], *keys: str) -> Any:
    for key in keys:
        value = raw.get(key)
        if value not in (None, ""):
            return value
    return None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dict):  # e.g. {"name": "Acme"} or {"display_name": "Berlin"}
        value = _first(value, "name", "display_name", "title")
        if value is None:
            return None
    text = " ".join(str(value).split())
    return text or None


def _pay(raw: dict[str, Any], description: str) -> dict[str, Any]:
    """The salary fields, through the one parser: flat keys, a nested ``salary`` object or string, or
    schema.org's ``baseSalary`` (``{"currency", "value": {"minValue", "maxValue", "unitText"}}``)."""
    nested = raw.get("salary")
    salary: dict[str, Any] = nested if isinstance(nested, dict) else {}
    base = raw.get("baseSalary")
    base = base if isinstance(base, dict) else {}
    value = base.get("value")
    value = value if isinstance(value, dict) else {"value": value}
    text = _first(raw, "salary_text", "compensation", "pay")
    if text is None and isinstance(nested, str | int | float) and not isinstance(nested, bool):
        text = str(nested)
    return read_pay(
        minimum=_first(raw, "salary_min", "min_salary") or _first(salary, "min", "minimum")
        or _first(value, "minValue", "value"),
        maximum=_first(raw, "salary_max", "max_salary") or _first(salary, "max", "maximum") or value.get("maxValue"),
        currency=_first(raw, "salary_currency", "currency") or _first(salary, "currency") or base.get("currency"),
        period=_first(raw, "salary_interval", "salary_period") or _first(salary, "interval", "period", "unit")
        or _first(value, "unitText") or base.get("unitText"),
        text=_text(text), description=description,
    ).fields()


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    return isinstance(value, str) and value.strip().lower() in _TRUE_WORDS


def _sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def posting_from_dict(raw: dict[str, Any], source: str) -> PostingData | None:
    """One feed entry as a posting, or None when it lacks the title or company we key postings on."""
    title = _text(_first(raw, "title", "job_title", "position"))
    company = _text(_first(raw, "company", "company_name", "employer", "organization"))
    if not title or not company:
        return None
    url = _text(_first(raw, "url", "link", "apply_url", "redirect_url"))
    location = _text(_first(raw, "location", "city", "job_location"))
    remote = _flag(_first(raw, "remote", "is_remote", "remote_ok"))
    if not remote and location and "remote" in location.lower():
        remote = True
    external = _first(raw, "id", "external_id", "job_id", "guid")
    if external is None:
        curl = canonical_url(url)
        external = _sha1(curl) if curl else _sha1(f"{normalize(title)}|{normalize(company)}")
    description = html_to_text(str(_first(raw, "description", "body", "content") or ""))
    return PostingData(
        source=source,
        external_id=str(external),
        url=url,
        title=title,
        company=company,
        location=location,
        remote=remote,
        employment_type=_text(_first(raw, "employment_type", "job_type", "contract_type", "type")),
        **_pay(raw, description),
        company_url=_text(_first(raw, "company_url", "company_website", "website")),
        company_description=_text(_first(raw, "company_description", "about_company")),
        company_industry=_text(_first(raw, "company_industry", "industry")),
        company_size=_text(_first(raw, "company_size", "employees")),
        posted_at=parse_date(_first(raw, "posted_at", "date_posted", "created", "published_at")),
        valid_through=parse_date(_first(raw, "valid_through", "validThrough", "closing_date", "expires_at")),
        description=description,
    )


# Local feed files get the same cap as fetched sources (JOBAGENT_SOURCE_MAX_BYTES), so a huge or endless
# file (a FIFO, /dev/zero) costs bounded memory.
DEFAULT_FEED_MAX_BYTES = 20 * 1024 * 1024


def read_capped(path: str, max_bytes: int = DEFAULT_FEED_MAX_BYTES, *, what: str = "postings feed") -> bytes:
    """The file's bytes, refusing more than ``max_bytes`` while reading (the size on disk may lie or grow)."""
    from jobagent.fetching import human_size

    file = Path(path).expanduser()
    if not file.is_file():
        raise InvalidInput(f"{what} not found: {path}")
    try:
        with file.open("rb") as handle:
            body = handle.read(max_bytes + 1)
    except OSError as exc:
        raise InvalidInput(f"{what} cannot be read: {path} ({exc.strerror})") from exc
    if len(body) > max_bytes:
        raise InvalidInput(f"{what} is larger than {human_size(max_bytes)}: {path}")
    return body


def sniff(body: bytes) -> str:
    """``json``, ``rss`` (RSS or Atom) or ``csv``, from the content rather than the file name."""
    head = body[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head[:1] in (b"[", b"{"):
        return "json"
    if head[:1] == b"<":
        return "rss"
    return "csv"


def _entries_json(body: bytes, path: str) -> list[Any]:
    try:
        data = json.loads(body.decode("utf-8"))
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"postings feed is not valid JSON: {path} (line {exc.lineno})") from None
    except UnicodeDecodeError:
        raise InvalidInput(f"postings feed is not UTF-8 text: {path}") from None
    except RecursionError:
        raise InvalidInput(f"postings feed is nested too deeply to be a postings list: {path}") from None
    if isinstance(data, dict) and isinstance(data.get("postings"), list):
        return list(data["postings"])
    if isinstance(data, list):
        return data
    raise InvalidInput(f'postings feed must be a list or an object with a "postings" list: {path}')


def _entries_csv(body: bytes, path: str) -> list[Any]:
    # CSV columns use the same names as JSON fields; empty cells mean "not given".
    try:
        text = body.decode("utf-8-sig")
        rows = csv.DictReader(io.StringIO(text, newline=""))
        return [{k: v for k, v in row.items() if k and v not in ("", None)} for row in rows]
    except UnicodeDecodeError:
        raise InvalidInput(f"postings feed is not UTF-8 text: {path}") from None
    except csv.Error as exc:
        raise InvalidInput(f"postings feed is not valid CSV: {path} ({exc})") from None


def parse_feed(body: bytes, path: str, source: str | None = None) -> FeedLoad:
    """Postings from a feed's bytes, whatever its format; problems the user can fix are ``InvalidInput``."""
    source = source or f"feed:{path}"
    kind = sniff(body)
    result = FeedLoad()
    if kind == "rss":
        from jobagent.postings.rss import parse_rss, rss_postings

        parsed = parse_rss(body)
        if parsed is None:
            raise InvalidInput(f"postings feed looks like XML but is not an RSS or Atom feed: {path}")
        result.postings = rss_postings(parsed, source)
        result.skipped = len(parsed.entries) - len(result.postings)
        return result
    entries = _entries_json(body, path) if kind == "json" else _entries_csv(body, path)
    if kind == "csv" and entries and not any("title" in e or "job_title" in e or "position" in e for e in entries):
        raise InvalidInput(f"postings feed is neither JSON, RSS/Atom nor CSV with a title column: {path}")
    for entry in entries:
        posting = posting_from_dict(entry, source) if isinstance(entry, dict) else None
        if posting is None:
            result.skipped += 1
        else:
            result.postings.append(posting)
    return result
