"""Splitting CV text into its sections (experience, education, skills, ...) by their headings.

A heading is a short line without digits that starts or ends with a known section word in one of the six
languages (``heading`` rows of ``jobagent/data/cv_words.tsv``, compared folded: "FÄHIGKEITEN" is
"Fähigkeiten") and looks like a heading: Markdown "#" of any level, a bold line ("**Werdegang**"), a
trailing colon, capitals, title case, or (since French, Spanish, Portuguese and Dutch headings are written
in sentence case) a line that is a known heading as a whole ("Expérience professionnelle"). When several
headings fit, the longest decides: "Schulischer Werdegang" is education, not the "Werdegang" of
experience. A table row such as "Core skills | SolidWorks, CATIA" (DOCX tables, PDF tables) is a heading
with its content inline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from jobagent.cv.lexicon import find_keys, forms, terms
from jobagent.cv.vocabulary import find_titles
from jobagent.text import fold

_KINDS = ("experience", "education", "certifications", "skills", "languages", "summary", "other")
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


@lru_cache(maxsize=4096)
def _heading_match(folded: str) -> tuple[str, bool] | None:
    """(kind, the whole heading is a listed form) of the longest form the heading starts or ends with."""
    best: tuple[int, str, bool] | None = None
    for kind in _KINDS:
        for form in terms("heading").get(kind, ()):
            if folded.startswith(form) or folded.endswith(form):
                if best is None or len(form) > best[0]:
                    best = (len(form), kind, folded == form or folded == f"{form}s")
    return (best[1], best[2]) if best else None


def _bold(raw: str) -> bool:
    text = raw.strip()
    return len(text) > 4 and text[:2] in ("**", "__") and text[-2:] in ("**", "__")


def heading_kind(raw: str) -> tuple[str, str] | None:
    """(kind, inline content) when the line is a section heading, else None."""
    line = clean(raw)
    m = re.match(r"^(?P<head>[^|:]+?)\s*(?P<sep>[|:])\s*(?P<rest>.*)$", line)
    head, sep, rest = (m.group("head"), m.group("sep"), m.group("rest")) if m else (line, "", "")
    head = head.strip()
    words = head.replace("&", " ").split()
    if not 1 <= len(words) <= 5 or re.search(r"\d", head):
        return None
    found = _heading_match(" ".join(fold(head).split()))
    if found is None:
        return None
    kind, whole = found
    if "," in head or find_titles(head):
        return None  # "Software Engineer, SoundCloud" is an entry, not the "software" section
    if len(words) > 1 and find_keys(head, "language") and find_keys(head, "proficiency"):
        return None  # "Spanisch Grundkenntnisse" is a language and its level, not the "Kenntnisse" section
    joiners = set(forms("heading-joiner"))
    headingish = (raw.lstrip().startswith("#") or _bold(raw) or raw.rstrip().endswith(":") or head.isupper()
                  or all(w[0].isupper() or fold(w) in joiners for w in words) or bool(sep)
                  or (whole and head[0].isupper()))
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
