"""Which applicant-tracking system a careers page uses, and the source spec that reads it.

Careers pages link to their ATS board ("View all openings" -> jobs.lever.co/acme) or load its embed script
(boards.greenhouse.io/embed/job_board/js?for=acme), so the board's name is in a URL on the page. We look at
every URL the page references (links, script and iframe sources, form actions) and at its inline scripts,
and name the board; a page that only carries schema.org JobPosting markup is read as ``jsonld:URL``. Pure:
the caller fetches the page (``jobagent.api.sources.discover_source``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from jobagent.postings.sources.pages import PageParts, job_postings

# Path words that are the ATS's own pages, never a company's board name.
_NOT_BOARDS = frozenset({"embed", "api", "v0", "v1", "assets", "static", "js", "css", "j", "jobs", "job",
                         "careers", "www", "app", "apply", "widget", "embed.js", "share", "login", "recruiting",
                         "cdn", "favicon.ico", "robots.txt", "sitemap.xml", "posting-api", "oauth"})
_SLUG = r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,99}"
_LOCALE = re.compile(r"^[a-z]{2}(-[A-Za-z]{2})?$")


@dataclass(frozen=True)
class Found:
    """One board named by the page: ``kind`` (the source kind), ``spec`` to add, ``evidence`` (the URL seen)."""

    kind: str
    spec: str
    evidence: str


def _first_segment(path: str) -> str | None:
    segs = [unquote(s) for s in path.split("/") if s]
    return segs[0] if segs and segs[0].lower() not in _NOT_BOARDS and re.fullmatch(_SLUG, segs[0]) else None


def _subdomain(host: str, suffix: str) -> str | None:
    """``acme`` from ``acme.recruitee.com`` for suffix ``.recruitee.com``; None for the vendor's own hosts."""
    if not host.endswith(suffix):
        return None
    name = host[: -len(suffix)]
    return name if name and "." not in name and name not in _NOT_BOARDS and re.fullmatch(_SLUG, name) else None


def _greenhouse(host: str, path: str, query: str) -> str | None:
    if host in ("boards.greenhouse.io", "job-boards.greenhouse.io", "job-boards.eu.greenhouse.io",
                "boards.eu.greenhouse.io"):
        token = parse_qs(query).get("for", [""])[0]  # the embed: /embed/job_board?for=acme, .../js?for=acme
        return token if token and re.fullmatch(_SLUG, token) else _first_segment(path)
    if host in ("boards-api.greenhouse.io", "api.greenhouse.io"):
        m = re.match(r"/v1/boards/([^/?#]+)", path)
        return unquote(m.group(1)) if m else None
    return None


def _lever(host: str, path: str) -> str | None:
    if host in ("jobs.lever.co", "jobs.eu.lever.co"):
        return _first_segment(path)
    if host in ("api.lever.co", "api.eu.lever.co"):
        m = re.match(r"/v0/postings/([^/?#]+)", path)
        return unquote(m.group(1)) if m else None
    return None


def _ashby(host: str, path: str) -> str | None:
    if host == "jobs.ashbyhq.com":
        return _first_segment(path)
    if host == "api.ashbyhq.com":
        m = re.match(r"/posting-api/job-board/([^/?#]+)", path)
        return unquote(m.group(1)) if m else None
    return None


def _workable(host: str, path: str) -> str | None:
    if host == "apply.workable.com":
        m = re.match(r"/api/v\d/(?:widget/)?accounts/([^/?#]+)", path)
        return unquote(m.group(1)) if m else _first_segment(path)
    return _subdomain(host, ".workable.com")


def _smartrecruiters(host: str, path: str) -> str | None:
    if host in ("jobs.smartrecruiters.com", "careers.smartrecruiters.com"):
        return _first_segment(path)
    if host == "api.smartrecruiters.com":
        m = re.match(r"/v1/companies/([^/?#]+)", path)
        return unquote(m.group(1)) if m else None
    return None


def _personio(host: str) -> str | None:
    return _subdomain(host, ".jobs.personio.de") or _subdomain(host, ".jobs.personio.com")


def _workday(host: str, path: str) -> str | None:
    """``workday:https://{tenant}.wd5.myworkdayjobs.com/{site}`` (a locale segment dropped), or the
    myworkdaysite.com form ``https://{host}/recruiting/{tenant}/{site}``."""
    segs = [s for s in path.split("/") if s]
    if host.endswith(".myworkdayjobs.com") and host.count(".") >= 3:
        if segs and _LOCALE.match(segs[0]):
            segs = segs[1:]
        if segs and segs[0] == "wday" and len(segs) >= 4 and segs[1] == "cxs":  # the JSON API: /wday/cxs/T/SITE
            segs = segs[3:]
        site = segs[0] if segs and re.fullmatch(_SLUG, segs[0]) and segs[0].lower() not in _NOT_BOARDS else None
        return f"https://{host}/{site}" if site else None
    if host.endswith("myworkdaysite.com") and len(segs) >= 3 and segs[0] == "recruiting":
        if all(re.fullmatch(_SLUG, s) for s in segs[1:3]):
            return f"https://{host}/recruiting/{segs[1]}/{segs[2]}"
    return None


def board_of(url: str) -> Found | None:
    """The ATS board ``url`` belongs to, or None."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    path, query = parts.path, parts.query
    named: list[tuple[str, str | None]] = [
        ("greenhouse", _greenhouse(host, path, query)), ("lever", _lever(host, path)),
        ("ashby", _ashby(host, path)), ("workable", _workable(host, path)),
        ("smartrecruiters", _smartrecruiters(host, path)), ("recruitee", _subdomain(host, ".recruitee.com")),
        ("personio", _personio(host)), ("bamboohr", _subdomain(host, ".bamboohr.com")),
        ("workday", _workday(host, path)),
    ]
    for kind, name in named:
        if name:
            return Found(kind=kind, spec=f"{kind}:{name}", evidence=url)
    return None


# URLs written in inline scripts (an embed snippet's config), with or without the scheme.
_URL_IN_TEXT = re.compile(r"(?:https?:)?//[A-Za-z0-9.\-]+\.[A-Za-z]{2,}(?::\d+)?[^\s\"'<>()\\]*")


def discover(parts: PageParts, page_url: str) -> list[Found]:
    """Every distinct board the page names, in the order seen; else ``jsonld:page_url`` when the page (or
    nothing else) carries JobPosting markup; empty when the page names nothing we can read."""
    found: dict[str, Found] = {}
    texts = [m.group() for script in parts.scripts for m in _URL_IN_TEXT.finditer(script)]
    for url in [*parts.urls, *(("https:" + t) if t.startswith("//") else t for t in texts)]:
        board = board_of(url)
        if board and board.spec not in found:
            found[board.spec] = board
    if not found and next(job_postings(parts.jsonld), None) is not None:
        found[f"jsonld:{page_url}"] = Found(kind="jsonld", spec=f"jsonld:{page_url}",
                                            evidence="schema.org JobPosting markup on the page")
    return list(found.values())
