"""A tailored CV per kept match: the person's own entries and bullets, ordered by relevance to the posting.

Nothing is written that the CV lacks: entries and bullets are selected and reordered, never reworded.
Written as Markdown and DOCX (python-docx) next to the run's report.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from jobagent.postings.evidence import _words, posting_skills, score_bullet
from jobagent.postings.phrases import Phrases
from jobagent.postings.schema import MatchResult, ProfileFacts

_MAX_ENTRIES = 4
_MAX_BULLETS = 4


def tailor(profile: ProfileFacts, match: MatchResult) -> list[dict[str, Any]]:
    """Entries (most relevant first; the current job always kept) with their bullets in relevance order."""
    wanted = set(posting_skills(match)) | set(match.matched_skills)
    words = _words(f"{match.posting.title} {match.posting.description}")
    scored = []
    for index, entry in enumerate(profile.experience):
        bullets = sorted(entry.get("bullets") or [], key=lambda b: -score_bullet(b, wanted, words)[0])
        score = sum(score_bullet(b, wanted, words)[0] for b in bullets) + (5 if entry.get("current") else 0)
        scored.append((score, -index, {**entry, "bullets": bullets[:_MAX_BULLETS]}))
    scored.sort(key=lambda t: (-t[0], -t[1]))
    return [e for _, _, e in scored[:_MAX_ENTRIES]]


def _month(value: str | None, ph: Phrases) -> str:
    """ "2019-03" as "Mar 2019" / "März 2019" / "mars 2019"; anything else unchanged ("" for None)."""
    m = re.fullmatch(r"(\d{4})-(\d{2})", value or "")
    if not m or not 1 <= int(m.group(2)) <= 12:
        return value or ""
    return f"{ph.cv('months')[int(m.group(2)) - 1]} {m.group(1)}"


def _dates(e: dict[str, Any], ph: Phrases) -> str:
    return f"{_month(e.get('start'), ph)} – {_month(e.get('end'), ph) or ph.cv('present')}"


def tailored_markdown(profile: ProfileFacts, match: MatchResult, language: str | None = None) -> str:
    """The CV in the posting's language (headings and dates; the entries stay as the person wrote them)."""
    from jobagent.postings.phrases import posting_letter_language

    ph = Phrases(posting_letter_language(match.posting, language))
    prepared = ph.cv("prepared_for").format(title=match.posting.title, company=match.posting.company)
    lines = [f"# {profile.name}", " | ".join(x for x in (profile.location, profile.email) if x), ""]
    lines += [f"*{prepared}*", "", f"## {ph.cv('experience')}", ""]
    for e in tailor(profile, match):
        head = " — ".join(x for x in (e.get("title_as_written") or e.get("title"), e.get("employer")) if x)
        lines += [f"### {head}", " · ".join(x for x in (e.get("location"), _dates(e, ph)) if x), ""]
        lines += [f"- {b}" for b in e["bullets"]] + [""]
    relevant = [s for s in profile.skills if s in set(match.matched_skills)] + \
        [s for s in profile.skills if s not in set(match.matched_skills)]
    if relevant:
        lines += [f"## {ph.cv('skills')}", ", ".join(relevant[:20]), ""]
    if profile.education:
        lines.append(f"## {ph.cv('education')}")
        for d in profile.education:
            parts = (d.get("degree"), d.get("institution"), d.get("end_year"))
            lines.append("- " + ", ".join(str(x) for x in parts if x))
        lines.append("")
    if profile.certifications:
        lines += [f"## {ph.cv('certifications')}"] + [f"- {c}" for c in profile.certifications] + [""]
    return "\n".join(lines)


def write_tailored_cv(profile: ProfileFacts, match: MatchResult, directory: Path, rank: int,
                      language: str | None = None) -> dict[str, str]:
    import docx

    directory.mkdir(parents=True, exist_ok=True)
    slug = re.sub(r"[^a-z0-9]+", "-", f"{match.posting.company}-{match.posting.title}".lower()).strip("-")[:60]
    base = directory / f"{rank:02d}-{slug}"
    markdown = tailored_markdown(profile, match, language)
    base.with_suffix(".md").write_text(markdown, encoding="utf-8")
    document = docx.Document()
    for line in markdown.splitlines():
        if line.startswith("# "):
            document.add_heading(line[2:], level=0)
        elif line.startswith("## "):
            document.add_heading(line[3:], level=1)
        elif line.startswith("### "):
            document.add_heading(line[4:], level=2)
        elif line.startswith("- "):
            document.add_paragraph(line[2:], style="List Bullet")
        elif line.strip():
            document.add_paragraph(line.strip("*"))
    document.save(str(base.with_suffix(".docx")))
    return {"title": match.posting.title, "company": match.posting.company,
            "markdown": str(base.with_suffix(".md")), "docx": str(base.with_suffix(".docx"))}
