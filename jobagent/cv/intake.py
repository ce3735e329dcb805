"""Checks on what a user submits for profiling, run both before anything is stored and in the worker.

Running them at submit time means a typo'd path, a corrupt PDF or a refused URL is one clear line for
the user and no rows at all, instead of a failed run to clean up later. The text that submit-time parse
extracts is kept with the bytes (``jobagent.cv.stored``), so the worker does not parse the file again.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from jobagent.config import Settings
from jobagent.cv.local_files import read_local_file
from jobagent.errors import InvalidInput

# Deliberately practical: one @, a dotted domain, no spaces. Full RFC 5322 accepts things no mailer takes.
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")


def is_url(source: str) -> bool:
    return bool(re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", source))


def validate_email(email: str) -> str:
    email = email.strip()
    if len(email) > 320 or not _EMAIL.match(email):
        raise InvalidInput(f"invalid email address: {email!r}")
    return email


def validate_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise InvalidInput("a name is required")
    if len(name) > 200:
        raise InvalidInput("name is longer than 200 characters")
    return name


def _checked(sources: list[str], settings: Settings) -> Iterator[tuple[str, bool]]:
    """Each source stripped, with whether it is a URL (then already checked against the SSRF rules); no
    source at all is refused. Shared by the submit-time intake and the worker's re-check."""
    from jobagent.fetching import check_url

    if not sources:
        raise InvalidInput("at least one CV (--cv PATH_OR_URL) is required")
    for raw in sources:
        source = raw.strip()
        url = is_url(source)
        if url:
            check_url(source, allow_private=settings.allow_private_urls)
        yield source, url


def normalize_sources(sources: list[str], settings: Settings, *,
                      stored: dict[str, str] | None = None) -> list[str]:
    """Absolute paths for files, checked URLs for the rest: the worker's check of a stored context.

    A path whose bytes are ``stored`` (path → sha256) need not exist here: the worker parses the stored
    bytes, so it may run on another host. Submission reads and checks files with ``intake_sources``.
    """
    normalized: list[str] = []
    for source, url in _checked(sources, settings):
        if url:
            normalized.append(source)
            continue
        if source in (stored or {}):  # as normalized at submit: resolving it again would follow a new symlink
            normalized.append(source)
            continue
        path = str(Path(source).expanduser().resolve())
        if not Path(path).is_file():
            raise InvalidInput(f"CV file not found: {source}")
        normalized.append(path)
    return normalized


@dataclass(frozen=True)
class LocalCV:
    """A local CV file as read and parsed once at submit time; the worker uses this text (stored with the
    bytes), never the path or the reader again."""

    path: str
    data: bytes
    text: str | None = None
    kind: str | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def warm_sandbox(sources: list[str]) -> None:
    """Start the CV sandbox's server now when a local file will be parsed, so its start-up (an interpreter
    and the readers' imports) overlaps the caller's own imports instead of adding to them (issue 26 §4).
    A face calls this before importing the API; ``intake_sources`` calls it too."""
    if any(not is_url(source.strip()) for source in sources):
        from jobagent.cv.sandbox import warm

        warm()


def intake_sources(sources: list[str], settings: Settings) -> tuple[list[str], list[LocalCV]]:
    """Check every source; read each local file once, parse it in the sandbox and extract a profile, so a
    bad file is refused before any row exists. Returns the normalized sources and the local files' bytes
    with the text the parse extracted."""
    from jobagent.cv.sandbox import parse_cv_bytes

    warm_sandbox(sources)  # the server starts while the extraction vocabularies and the language model load
    from jobagent.cv.extraction import extract_profile
    from jobagent.languages import detect

    if any(not is_url(source.strip()) for source in sources):
        detect("warm up")  # loads the language model, which extract_profile would load after the parse

    normalized: list[str] = []
    local: list[LocalCV] = []
    for source, url in _checked(sources, settings):
        if url:
            normalized.append(source)
            continue
        path = Path(source).expanduser().resolve()
        data = read_local_file(source, settings.cv_max_bytes)
        doc = parse_cv_bytes(str(path), data, suffix=path.suffix.lower(), settings=settings)
        extract_profile(doc.text)
        normalized.append(str(path))
        local.append(LocalCV(str(path), data, text=doc.text, kind=doc.kind))
    return normalized, local
