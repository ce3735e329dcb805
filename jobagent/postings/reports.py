"""The reports a search run hands to the user: Markdown, and one standalone HTML page.

Written to a ``.partial`` file and renamed into place, so a crash or a retried node never leaves a
half-written report where the user (or a file watcher) would pick it up.

Everything a posting says comes from the internet, and Markdown passes raw HTML through to whatever renders
it (an editor preview, a wiki, a chat). So, as in the HTML report, every text from a posting, a profile or a
company page is escaped here (HTML as entities, Markdown's markup characters with backslashes, in the
subset both CommonMark and Python-Markdown honour), and only http(s) URLs become links, percent-encoded so
they cannot close the link they sit in.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from jobagent.postings.schema import MatchResult, PostingData
from jobagent.text import salary_text, templates

# HTML tags as entities (every Markdown renderer shows them as text), and with a backslash the characters that
# start links, images, emphasis, code and headings. One str.translate pass: nothing is escaped twice. A bare "&"
# is text to every renderer ("S&OP", "AT&T"), so only one that would start an entity ("&lt;") becomes "&amp;":
# a letter in the report reads as written (issue 25 §6 saw "S&amp;OP").
_ENTITY_START = re.compile(r"&(?=#\d+;|#[xX][0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;)")
_MARKDOWN_ESCAPES = str.maketrans({"<": "&lt;", ">": "&gt;", "\\": "\\\\", "`": "\\`", "*": "\\*",
                                   "_": "\\_", "[": "\\[", "]": "\\]", "#": "\\#"})
# A line of a multi-line text that would start a list, a numbered list or a code block.
_BLOCK_START = re.compile(r"^([-+]|\d+[.)])(?=\s|$)")
# Characters kept as they are in a link target; everything else (space, quotes, brackets, parentheses,
# pipes, backslashes, non-ASCII) is percent-encoded, so the URL cannot end `[open](<...>)` or a table cell.
_URL_SAFE = ":/?#@!$&*+,;=%-._~"
_SPACE_OR_CONTROL = re.compile(r"[\x00-\x20\x7f]")


def escape_markdown(text: str | None) -> str:
    """One line of posting text as inert Markdown: no raw HTML, links, images, emphasis or line breaks."""
    return _ENTITY_START.sub("&amp;", " ".join((text or "").split())).translate(_MARKDOWN_ESCAPES)


def escape_markdown_block(text: str) -> str:
    """Multi-line text (company notes, a letter) escaped line by line, with no line starting a list or code."""
    lines = []
    for line in text.strip().splitlines():
        escaped = escape_markdown(line)
        lines.append(_BLOCK_START.sub(lambda m: m.group(1)[:-1] + "\\" + m.group(1)[-1], escaped))
    return "\n".join(lines)


def safe_url(url: str | None) -> str | None:
    """The URL when it is an http(s) link with a host, else None: ``javascript:`` must never become a link
    target, in the Markdown report or the HTML one."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or _SPACE_OR_CONTROL.search(url):
        return None
    return url


@lru_cache(maxsize=4096)  # each posting's URL is judged twice per report (summary row and details)
def markdown_url(url: str | None) -> str | None:
    """A safe URL percent-encoded for a Markdown link target (so it cannot close the link); None otherwise."""
    checked = safe_url(url)
    return quote(checked, safe=_URL_SAFE) if checked else None


def _cell(text: str | None) -> str:
    """Table cells cannot hold pipes or line breaks without breaking the table."""
    return escape_markdown(text).replace("|", "\\|") or "—"


def _salary(p: PostingData) -> str | None:
    return salary_text(p.salary_min, p.salary_max, p.salary_currency, p.salary_interval) or p.salary_text


def _details(p: PostingData) -> list[str]:
    where = p.location or "location not stated"
    if p.remote and "remote" not in where.lower():
        where += " (remote)"
    lines = [f"- **Location:** {escape_markdown(where)}"]
    if p.employment_type:
        lines.append(f"- **Type:** {escape_markdown(p.employment_type)}")
    salary = _salary(p)
    if salary:
        lines.append(f"- **Salary:** {escape_markdown(salary)}")
    if p.posted_at:
        lines.append(f"- **Posted:** {p.posted_at.date().isoformat()}")
    url = markdown_url(p.url)
    if url:
        lines.append(f"- **Link:** <{url}>")
    elif p.url:
        lines.append("- **Link:** left out (not an http(s) link)")
    return lines


def _quote(text: str) -> str:
    return "\n".join(f"> {line}".rstrip() for line in escape_markdown_block(text).splitlines())


def render_report(*, query: str, location: str | None, profile_name: str,
                  matches: list[tuple[MatchResult, str, str]]) -> str:
    """The report text; separate from writing so it can be shown or tested without touching disk."""
    out = [f"# Postings for “{escape_markdown(query)}”", ""]
    out.append(f"- **Profile:** {escape_markdown(profile_name) or 'unnamed profile'}")
    out.append(f"- **Location:** {escape_markdown(location) or 'any'}")
    out.append(f"- **Generated:** {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}")
    out.append(f"- **Matches:** {len(matches)}")
    out.append("")
    if not matches:
        out.append("No postings matched this search.")
        return "\n".join(out) + "\n"
    out += ["## Summary", "", "| Rank | Score | Title | Company | Location | Link |",
            "| ---: | ---: | --- | --- | --- | --- |"]
    for rank, (m, _, _) in enumerate(matches, start=1):
        p = m.posting
        where = p.location or ("remote" if p.remote else None)
        url = markdown_url(p.url)
        link = f"[open](<{url}>)" if url else "—"
        cells = [str(rank), f"{m.score:.0f}", _cell(p.title), _cell(p.company), _cell(where), link]
        out.append(f"| {' | '.join(cells)} |")
    out.append("")
    for rank, (m, notes, letter) in enumerate(matches, start=1):
        p = m.posting
        title = f"{escape_markdown(p.title)} — {escape_markdown(p.company)}"
        out += [f"## {rank}. {title} (score {m.score:.0f})", "", *_details(p), ""]
        out += ["### Why it matches", "", *(f"- {escape_markdown(r)}" for r in m.reasons), ""]
        out += ["### Company notes", "", escape_markdown_block(notes) or "_No notes._", ""]
        letter_text = _quote(letter) if letter.strip() else "_No cover letter written._"
        out += ["### Cover letter", "", letter_text, ""]
    return "\n".join(out)


def write_atomically(path: Path, text: str) -> Path:
    """A reader (or a crash) never sees half a report: write a partial file, then ``os.replace`` it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.partial")
    try:
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def write_report(path: Path, *, query: str, location: str | None, profile_name: str,
                 matches: list[tuple[MatchResult, str, str]]) -> Path:
    return write_atomically(path, render_report(query=query, location=location, profile_name=profile_name,
                                                matches=matches))


# --------------------------------------------------------------------------------------------- HTML report


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())


def text_blocks(text: str) -> list[dict[str, Any]]:
    """Paragraphs and bullet lists of a plain text (company notes, a description excerpt), so the template
    renders "- " lines as a real list instead of raw dashes."""
    blocks: list[dict[str, Any]] = []
    for line in (text or "").strip().splitlines():
        stripped = line.strip()
        kind = "list" if stripped[:2] in ("- ", "* ", "• ") else "para"
        body = stripped[2:].strip() if kind == "list" else stripped
        if not body:
            continue
        if blocks and blocks[-1]["kind"] == kind:
            blocks[-1]["lines"].append(body)
        else:
            blocks.append({"kind": kind, "lines": [body]})
    return blocks


def _item(rank: int, match: MatchResult, notes: str, letter: str, status: str = "new") -> dict[str, Any]:
    from jobagent.postings.board import excerpt  # the board (issue 14): the excerpt ``jobagent review`` shows

    p = match.posting
    where = p.location or "location not stated"
    if p.remote and "remote" not in where.lower():
        where += " (remote)"
    url = safe_url(p.url)
    return {
        "rank": rank,
        "score": f"{match.score:.0f}",
        "title": _one_line(p.title),
        "company": _one_line(p.company),
        "where": where,
        "where_short": p.location or ("remote" if p.remote else None),
        "employment_type": p.employment_type,
        "salary": _salary(p),
        "posted": p.posted_at.date().isoformat() if p.posted_at else None,
        "url": url,
        "raw_url": None if url else p.url,
        "reasons": list(match.reasons),
        "notes": notes.strip(),
        "notes_blocks": text_blocks(notes),
        "letter": letter.strip(),
        "status": status,
        "remote": "yes" if p.remote else "no",
        "excerpt_blocks": text_blocks(excerpt(p.description)),
    }


def render_html_report(*, query: str, location: str | None, profile_name: str,
                       matches: list[tuple[MatchResult, str, str]], statuses: list[str] | None = None) -> str:
    """The report of ``reports.render_report`` as one standalone, escaped HTML page; ``statuses`` are the
    matches' board states, in order (``new`` when not given)."""
    states = list(statuses or []) + ["new"] * (len(matches) - len(statuses or []))
    template = templates().get_template("report.html.j2")
    return template.render(
        query=query,
        location=location or "any",
        profile_name=profile_name or "unnamed profile",
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        items=[_item(rank, m, notes, letter, state)
               for rank, ((m, notes, letter), state) in enumerate(zip(matches, states, strict=False), start=1)],
    )


def write_html_report(path: Path, *, query: str, location: str | None, profile_name: str,
                      matches: list[tuple[MatchResult, str, str]], statuses: list[str] | None = None) -> Path:
    return write_atomically(path, render_html_report(query=query, location=location, profile_name=profile_name,
                                                     matches=matches, statuses=statuses))
