"""Reading CV documents without letting a hostile file take the process down.

A 306 KB DOCX can inflate to gigabytes of XML, and a 411 KB PDF of a few huge Flate pages held one worker
for a minute at half a gigabyte. Two layers stop that:

- cheap checks before a parser opens the file: a DOCX's declared uncompressed sizes, member count and
  compression ratios (``check_docx_archive``); a PDF's page count and the decoded size of each page's
  drawing instructions (``check_pdf_pages``), plus a cap on extracted characters in the reader;
- the parsing itself runs in a child process (``python -m jobagent.cv.sandbox``, JSON in and out) with an
  address-space limit (``RLIMIT_AS``), a CPU limit and a wall-clock timeout, so whatever the checks miss
  costs at most those limits and ends as one ``InvalidInput`` line, never an OOM-killed worker.

Both submit (which parses local files to refuse bad ones up front) and the worker parse through here.
"""

from __future__ import annotations

import base64
import io
import json
import logging
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

from jobagent.cv.schema import CVDocument
from jobagent.errors import InvalidInput

log = logging.getLogger(__name__)

DOCX_MAX_UNCOMPRESSED = 64 * 1024 * 1024  # all parts together; real CVs are well under 5 MB of XML
DOCX_MAX_RATIO = 100  # per member over 1 MB; office XML compresses about 5-20x
DOCX_MAX_MEMBERS = 2000
PDF_MAX_PAGE_CONTENT = 8 * 1024 * 1024  # decoded drawing instructions per page; real pages hold < 1 MB
PDF_MAX_CONTENT = 24 * 1024 * 1024  # the same over all pages (decoded streams stay cached while reading)


def _size(n: int) -> str:
    from jobagent.fetching import human_size

    return human_size(n)


def check_docx_archive(source: str, data: bytes) -> None:
    """Refuse a DOCX whose parts would inflate too far, before python-docx (and lxml) load any of them.

    zipfile stops reading a member at its declared size (and then fails the CRC check), so the declared
    sizes in the central directory bound what a parser can be made to inflate.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            members = zf.infolist()
    except zipfile.BadZipFile as exc:
        raise InvalidInput(f"CV file is not a readable DOCX: {source} ({exc})") from None
    if len(members) > DOCX_MAX_MEMBERS:
        raise InvalidInput(f"CV file is not a readable DOCX: {source} ({len(members)} parts; at most "
                           f"{DOCX_MAX_MEMBERS} are read)")
    total = sum(m.file_size for m in members)
    if total > DOCX_MAX_UNCOMPRESSED:
        raise InvalidInput(f"CV file is not a readable DOCX: {source} (it would inflate to {_size(total)}; at "
                           f"most {_size(DOCX_MAX_UNCOMPRESSED)} is read)")
    for m in members:
        ratio = m.file_size / max(m.compress_size, 1)
        if m.file_size > 1024 * 1024 and ratio > DOCX_MAX_RATIO:
            raise InvalidInput(f"CV file is not a readable DOCX: {source} ({m.filename} is compressed "
                               f"{ratio:.0f}:1, a decompression bomb; at most {DOCX_MAX_RATIO}:1 is read)")


def check_pdf_pages(source: str, reader: Any, max_pages: int) -> None:
    """Refuse a PDF with too many pages, or a page whose drawing instructions decode to megabytes, before
    text extraction tokenizes them (that step, not the decompression, is what takes a minute)."""
    count = len(reader.pages)
    if count > max_pages:
        raise InvalidInput(f"CV PDF has {count} pages; at most {max_pages} are read: {source}")
    total = 0
    for number, page in enumerate(reader.pages, start=1):
        contents = page.get_contents()
        size = len(contents.get_data()) if contents is not None else 0
        total += size
        if size > PDF_MAX_PAGE_CONTENT:
            raise InvalidInput(f"CV PDF page {number} holds {_size(size)} of drawing instructions (at most "
                               f"{_size(PDF_MAX_PAGE_CONTENT)} per page are read): {source}")
        if total > PDF_MAX_CONTENT:
            raise InvalidInput(f"CV PDF holds more than {_size(PDF_MAX_CONTENT)} of drawing instructions by page "
                               f"{number}: {source}")


# ------------------------------------------------------------------------------------------ the child


def parse_cv_bytes(source: str, data: bytes, *, suffix: str = "", content_type: str | None = None,
                   settings: Any = None, stats: dict[str, Any] | None = None) -> CVDocument:
    """Parse CV bytes in a child process under memory and time limits; ``InvalidInput`` on any failure.

    ``stats`` (when given) receives the child's ``peak_rss_mb``, wall ``seconds`` and ``outcome``, measured
    with ``wait4`` for that one child, for tests and benchmarks.
    """
    from jobagent.config import get_settings

    settings = settings or get_settings()
    limit_mb, timeout = settings.cv_parse_memory_mb, settings.cv_parse_timeout
    request = {"source": source, "data": base64.b64encode(data).decode("ascii"), "suffix": suffix,
               "content_type": content_type, "max_pages": settings.cv_max_pages,
               "max_chars": settings.cv_max_chars, "memory_bytes": limit_mb * 1024 * 1024,
               "cpu_seconds": int(timeout) + 1}
    with tempfile.TemporaryFile() as fin, tempfile.TemporaryFile() as fout, tempfile.TemporaryFile() as ferr:
        fin.write(json.dumps(request).encode())
        fin.seek(0)
        began = time.monotonic()
        proc = subprocess.Popen([sys.executable, "-m", "jobagent.cv.sandbox"], stdin=fin, stdout=fout,
                                stderr=ferr, env=_child_env(), close_fds=True, start_new_session=True)
        status, usage, timed_out = _wait(proc, timeout)
        seconds = time.monotonic() - began
        fout.seek(0)
        raw = fout.read()
        ferr.seek(0)
        errors = ferr.read(4000).decode("utf-8", "replace").strip()
    if errors:  # a warning from the child, or the tail of its crash: for the operator, not the user
        log.warning("CV parser for %s said: %s", source, errors.splitlines()[-1])
    answer: dict[str, Any] | None = None
    try:
        answer = json.loads(raw) if raw else None
    except ValueError:
        answer = None
    outcome = "timeout" if timed_out else ("ok" if answer and answer.get("ok") else "refused" if answer
                                           else f"died (status {status})")
    if stats is not None:
        # The child's own high-water mark when it could report one: wait4's ru_maxrss also counts the pages
        # it shared with this (possibly large) parent between fork and exec.
        peak_kb = (answer or {}).get("peak_rss_kb") or usage.ru_maxrss
        stats.update(peak_rss_mb=round(peak_kb / 1024, 1), seconds=round(seconds, 2), outcome=outcome)
    if timed_out:
        raise InvalidInput(f"CV file took too long to read (over {timeout:g} s): {source}")
    if answer is None:
        raise InvalidInput(f"CV file could not be read within {limit_mb} MB of memory: {source}")
    if not answer.get("ok"):
        raise InvalidInput(str(answer.get("error") or f"CV file could not be read: {source}"))
    return CVDocument(source=source, kind=answer["kind"], text=answer["text"])


def _child_env() -> dict[str, str]:
    """The parent's environment, with this very ``jobagent`` first on the path."""
    root = str(Path(__file__).resolve().parent.parent.parent)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([root, *([env["PYTHONPATH"]] if env.get("PYTHONPATH") else [])])
    return env


def _wait(proc: subprocess.Popen[bytes], timeout: float) -> tuple[int, Any, bool]:
    """Reap the child with ``wait4`` (its own rusage), killing its process group past the deadline."""
    deadline = time.monotonic() + timeout
    timed_out = False
    delay = 0.005
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            timed_out = True
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            _, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(delay)
        delay = min(delay * 2, 0.05)
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here; tell Popen so it never waits again
    return proc.returncode, usage, timed_out


def _child_main() -> int:
    """Entry point of the child: limits first, then the parsers, JSON out on stdout."""
    request = json.loads(sys.stdin.buffer.read())
    data = base64.b64decode(request.pop("data"))
    memory, cpu = int(request["memory_bytes"]), int(request["cpu_seconds"])
    try:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    except (OSError, ValueError) as exc:  # e.g. a seccomp filter without setrlimit: timeout and cgroup remain
        sys.stderr.write(f"jobagent.cv.sandbox: could not set resource limits: {exc}\n")
    from jobagent.cv.readers import read_cv_bytes

    source = request["source"]
    try:
        doc = read_cv_bytes(source, data, suffix=request["suffix"], content_type=request["content_type"],
                            max_pages=int(request["max_pages"]), max_chars=int(request["max_chars"]))
        answer: dict[str, Any] = {"ok": True, "kind": doc.kind, "text": doc.text}
    except InvalidInput as exc:
        answer = {"ok": False, "error": _memory_message(str(exc), source, memory)}
    except MemoryError:
        answer = {"ok": False, "error": _memory_message("MemoryError", source, memory)}
    answer["peak_rss_kb"] = _own_peak_kb()
    sys.stdout.write(json.dumps(answer))
    return 0


def _own_peak_kb() -> int | None:
    """VmHWM of this process since its exec (Linux), or None where /proc has no such line."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _memory_message(message: str, source: str, memory: int) -> str:
    if "MemoryError" in message:
        return f"CV file could not be read within {memory // (1024 * 1024)} MB of memory: {source}"
    return message


if __name__ == "__main__":
    sys.exit(_child_main())
