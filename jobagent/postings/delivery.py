"""The Markdown report a search run hands to the user.

Written to a ``.partial`` file and renamed into place, so a crash or a retried node never leaves a
half-written report where the user (or a file watcher) would pick it up.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from jobagent.postings.schema import MatchResult, PostingData


def _cell(text: str | None) -> str:
    """Table cells cannot hold pipes or line breaks without breaking the table."""
    return " ".join((text or "").split()).replace("|", "\\|") or "—"


def _salary(p: PostingData) -> str | None:
    if p.salary_min is None and p.salary_max is None:
        return None
    low, high = (f"{v:,.0f}" if v is not None else None for v in (p.salary_min, p.salary_max))
    span = f"{low}–{high}" if low and high and low != high else (low or high or "")
    return f"{span} {p.salary_currency}".strip() if p.salary_currency else span


def _details(p: PostingData) -> list[str]:
    where = p.location or "location not stated"
    if p.remote and "remote" not in where.lower():
        where += " (remote)"
    lines = [f"- **Location:** {where}"]
    if p.employment_type:
        lines.append(f"- **Type:** {p.employment_type}")
    salary = _salary(p)
    if salary:
        lines.append(f"- **Salary:** {salary}")
    if p.posted_at:
        lines.append(f"- **Posted:** {p.posted_at.date().isoformat()}")
    if p.url:
        lines.append(f"- **Link:** <{p.url}>")
    return lines


def _quote(text: str) -> str:
    return "\n".join(f"> {line}".rstrip() for line in text.strip().splitlines())


def render_report(*, query: str, location: str | None, profile_name: str,
                  matches: list[tuple[MatchResult, str, str]]) -> str:
    """The report text; separate from writing so it can be shown or tested without touching disk."""
    out = [f"# Postings for “{query}”", ""]
    out.append(f"- **Profile:** {profile_name or 'unnamed profile'}")
    out.append(f"- **Location:** {location or 'any'}")
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
        link = f"[open](<{p.url}>)" if p.url else "—"
        cells = [str(rank), f"{m.score:.0f}", _cell(p.title), _cell(p.company), _cell(where), link]
        out.append(f"| {' | '.join(cells)} |")
    out.append("")
    for rank, (m, notes, letter) in enumerate(matches, start=1):
        p = m.posting
        out += [f"## {rank}. {p.title} — {p.company} (score {m.score:.0f})", "", *_details(p), ""]
        out += ["### Why it matches", "", *(f"- {r}" for r in m.reasons), ""]
        out += ["### Company notes", "", notes.strip() or "_No notes._", ""]
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
