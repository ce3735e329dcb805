"""Splitting CV text into its sections (experience, education, skills, ...) by their headings.

A heading is a short line without digits that starts with a known section word and looks like a
heading: Markdown "#", a trailing colon, capitals, or title case. A table row such as
"Core skills | SolidWorks, CATIA" (DOCX tables, PDF tables) is a heading with its content inline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from jobagent.cv.vocabulary import find_titles

_KINDS: dict[str, tuple[str, ...]] = {
    "experience": ("experience", "work experience", "professional experience", "work history", "employment",
                   "career", "positions", "relevant experience", "professional background", "work history"),
    "education": ("education", "academic", "qualifications", "studies", "education and training"),
    "certifications": ("certification", "certificates", "licen", "accreditation", "registration",
                       "professional membership", "memberships", "courses", "training"),
    "skills": ("skill", "technical skills", "core skills", "competenc", "expertise", "tools", "technolog",
               "areas of expertise", "key skills", "software", "systems"),
    "languages": ("language",),
    "summary": ("summary", "profile", "about", "objective", "personal statement", "professional summary"),
    "other": ("project", "publication", "award", "interest", "hobbies", "reference", "volunteer", "contact",
              "personal", "achievement", "additional", "activities"),
}
_BULLET = re.compile(r"^\s*(?:[-*+•·▪●◦‣–]\s+|\d{1,2}[.)]\s+)")


@dataclass
class Section:
    kind: str
    heading: str
    lines: list[str] = field(default_factory=list)


def clean(line: str) -> str:
    """A line without Markdown decoration, so "## **Jane Doe**" and "- Location:" read as plain text."""
    line = re.sub(r"^\s*(?:#{1,6}\s+|>\s*)", "", line)
    return re.sub(r"[*_`]+", "", line).strip()


def is_bullet(line: str) -> bool:
    return bool(_BULLET.match(line))


def strip_bullet(line: str) -> str:
    return _BULLET.sub("", line, count=1).strip()


def heading_kind(raw: str) -> tuple[str, str] | None:
    """(kind, inline content) when the line is a section heading, else None."""
    line = clean(raw)
    m = re.match(r"^(?P<head>[^|:]+?)\s*(?P<sep>[|:])\s*(?P<rest>.*)$", line)
    head, sep, rest = (m.group("head"), m.group("sep"), m.group("rest")) if m else (line, "", "")
    head = head.strip()
    words = head.replace("&", " ").split()
    if not 1 <= len(words) <= 5 or re.search(r"\d", head):
        return None
    lower = head.lower()
    kind = next((k for k, starts in _KINDS.items()
                 if any(lower.startswith(s) or lower.endswith(s) or lower.startswith(f"{s}s") for s in starts)),
                None)
    if kind is None:
        return None
    if "," in head or find_titles(head):
        return None  # "Software Engineer, SoundCloud" is an entry, not the "software" section
    headingish = (raw.lstrip().startswith("#") or raw.rstrip().endswith(":") or head.isupper()
                  or all(w[0].isupper() or w.lower() in ("and", "of", "&") for w in words) or bool(sep))
    if not headingish:
        return None
    if rest and kind not in ("skills", "languages", "certifications", "summary"):
        return None  # "Experience: 12 years ..." is a sentence, not a section
    return kind, rest.strip()


def split_sections(text: str) -> list[Section]:
    """Sections in reading order; text before the first heading is the "header" section."""
    sections = [Section("header", "")]
    current = sections[0]
    for raw in text.splitlines():
        found = heading_kind(raw) if raw.strip() else None
        if found:
            kind, inline = found
            if inline:
                sections.append(Section(kind, clean(raw), [inline]))
                continue  # a table row: its content belongs to it, the running section goes on
            current = Section(kind, clean(raw))
            sections.append(current)
            continue
        current.lines.append(raw)
    return sections


def lines_of(sections: list[Section], kind: str) -> list[str]:
    return [line for s in sections if s.kind == kind for line in s.lines]
