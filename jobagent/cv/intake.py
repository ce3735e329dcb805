"""Checks on what a user submits for profiling, run both before anything is stored and in the worker.

Running them at submit time means a typo'd path, a corrupt PDF or a refused URL is one clear line for
the user and no rows at all, instead of a failed run to clean up later.
"""

from __future__ import annotations

import re
from pathlib import Path

from jobagent.config import Settings
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


def normalize_sources(sources: list[str], settings: Settings, *, read_local: bool) -> list[str]:
    """Absolute paths for files, checked URLs for the rest.

    With ``read_local`` the local files are parsed too, so a corrupt or non-CV file is refused up front.
    URLs are only checked here (scheme and address); they are fetched by the worker.
    """
    from jobagent.cv.extraction import extract_profile
    from jobagent.cv.readers import read_cv
    from jobagent.fetching import check_url

    if not sources:
        raise InvalidInput("at least one CV (--cv PATH_OR_URL) is required")
    normalized: list[str] = []
    for source in sources:
        source = source.strip()
        if is_url(source):
            check_url(source, allow_private=settings.allow_private_urls)
            normalized.append(source)
            continue
        path = Path(source).expanduser().resolve()
        if read_local:
            doc = read_cv(str(path), max_bytes=settings.cv_max_bytes)
            extract_profile(doc.text)
        elif not path.is_file():
            raise InvalidInput(f"CV file not found: {source}")
        normalized.append(str(path))
    return normalized
