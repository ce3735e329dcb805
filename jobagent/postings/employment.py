"""The kind of employment a posting offers (full-time, part-time, contract, temporary, apprenticeship,
internship, working student, volunteer, graduate programme), read from the source's own type field, the
title and the start of the body, in the six languages.

Pure: no store, no network. The words live in ``jobagent/data/employment.tsv`` so a missing word is a data
fix, not a code change; text is split with the one tokeniser (``jobagent.text.words``) so "Full-Time",
"full time" and "FULL_TIME" meet on the same folded words, and the posting's language comes from
``jobagent.languages.detect`` (or the source). Why the body counts less: a senior post "mentoring our
interns" or offering "voluntary benefits" is not an internship or a volunteer role, so the trainee,
volunteer and graduate kinds are read from the type field and the title only, and the body only says
full-time, part-time, contract or temporary (and then only in its first ``BODY_CHARS`` characters, where
adverts state the terms; "Similar jobs" blocks further down name other posts' terms).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from jobagent.postings.schema import PostingData
from jobagent.text import words

__all__ = ["KINDS", "TRAINEE_KINDS", "kind_name", "kinds_text", "parse_kinds", "posting_kinds", "stored_kinds",
           "trainee_title", "fits_types"]

KINDS = ("full_time", "part_time", "contract", "temporary", "apprenticeship", "internship", "working_student",
         "volunteer", "graduate")
# Never offered above entry level unless the search asks for one (postings/matching.py ``screen``).
TRAINEE_KINDS = frozenset({"apprenticeship", "internship", "working_student"})
_TITLE_ONLY_KINDS = frozenset({*TRAINEE_KINDS, "volunteer", "graduate"})
SCHEDULE_KINDS = frozenset({"full_time", "part_time", "contract", "temporary"})
BODY_CHARS = 1500
# What people type for a kind (``--type``): the canonical names, with hyphens or spaces, and a few synonyms.
_ALIASES = {"freelance": "contract", "freelancer": "contract", "contractor": "contract", "temp": "temporary",
            "fixed_term": "temporary", "apprentice": "apprenticeship", "ausbildung": "apprenticeship",
            "intern": "internship", "praktikum": "internship", "werkstudent": "working_student",
            "student": "working_student", "graduate_programme": "graduate", "graduate_program": "graduate",
            "trainee": "graduate", "fulltime": "full_time", "parttime": "part_time"}


@dataclass(frozen=True)
class _Group:
    kind: str
    pattern: re.Pattern[str]
    not_in: frozenset[str]  # languages in which these phrases mean something else
    title_only: bool


def _phrase_regex(phrase: str) -> str:
    """A phrase over the space-joined folded words; "*" at a word's edge allows a compound's other part."""
    parts: list[str] = []
    for piece in phrase.split():
        head, tail = piece.startswith("*"), piece.endswith("*")
        folded = " ".join(words(piece.strip("*")))
        parts.append(("[^ ]*" if head else "") + re.escape(folded) + ("[^ ]*" if tail else ""))
    return r"(?<![^ ])" + " ".join(parts) + r"(?![^ ])"


@lru_cache(maxsize=1)
def _groups() -> tuple[_Group, ...]:
    """One regex per (kind, exceptions, scope): a dozen C-level searches per posting, not hundreds of
    Python comparisons, so a harvest of thousands of postings does not notice this step."""
    raw = (resources.files("jobagent") / "data" / "employment.tsv").read_text(encoding="utf-8")
    phrases: dict[tuple[str, frozenset[str], bool], list[str]] = {}
    for line in raw.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cells = [*line.split("\t"), "", "", ""]
        kind, phrase, not_in, scope = cells[0], cells[2], cells[3], cells[4]
        if kind not in KINDS:
            raise ValueError(f"employment.tsv: unknown kind {kind!r}")
        key = (kind, frozenset(c for c in not_in.split(",") if c), scope == "title" or kind in _TITLE_ONLY_KINDS)
        phrases.setdefault(key, []).append(_phrase_regex(phrase))
    return tuple(_Group(kind, re.compile("|".join(found)), not_in, title_only)
                 for (kind, not_in, title_only), found in phrases.items())


def _joined(text: str | None) -> str:
    return " ".join(words(text))


def parse_kinds(title: str, description: str | None = "", structured: str | None = None, *,
                language: str | None = None) -> frozenset[str]:
    """Every kind the posting states: "Werkstudent (m/w/d) Teilzeit" is a working-student and a part-time
    post. ``structured`` is the source's own type field ("FULL_TIME", "Internship", "Vollzeit, befristet"),
    which is read whatever the language; ``language`` is the posting's (detected when not given)."""
    if language is None:
        from jobagent.languages import detect

        language = detect(f"{title}\n{(description or '')[:BODY_CHARS]}")
    head = " " + _joined(title) + " "
    typed = _joined(structured)
    body = _joined((description or "")[:BODY_CHARS])
    found: set[str] = set()
    for group in _groups():
        if group.kind in found:
            continue
        if typed and group.pattern.search(typed):
            found.add(group.kind)
        elif language in group.not_in:
            continue
        elif group.pattern.search(head) or (not group.title_only and body and group.pattern.search(body)):
            found.add(group.kind)
    return frozenset(found)


def kinds_text(kinds: Iterable[str]) -> str | None:
    """The stored form: the kinds in ``KINDS`` order, space-separated ("part_time internship"), None if none."""
    chosen = set(kinds)
    return " ".join(k for k in KINDS if k in chosen) or None


def stored_kinds(value: str | None) -> frozenset[str]:
    return frozenset((value or "").split())


def kind_name(name: str) -> str:
    """The canonical kind for what a user typed ("Working-Student" -> "working_student"); ValueError if none."""
    key = "_".join(words(name))
    key = _ALIASES.get(key, key)
    if key not in KINDS:
        raise ValueError(f"unknown employment type {name!r}; expected one of "
                         f"{', '.join(k.replace('_', '-') for k in KINDS)}")
    return key


def posting_kinds(posting: PostingData) -> frozenset[str]:
    """The kinds stored at harvest, or read now for a posting that never went through a harvest."""
    if posting.employment_kinds is not None:
        return stored_kinds(posting.employment_kinds)
    return parse_kinds(posting.title, posting.description, posting.employment_type, language=posting.language)


@lru_cache(maxsize=8192)
def trainee_title(title: str, language: str | None = None) -> bool:
    """A title (or a search) that names an apprenticeship, an internship or a working-student post.

    Without the posting's language every phrase counts: two or three words are too few to detect a language
    from (py3langid calls "Intern" German), and reading a search such as "stage manager" as one for trainee
    posts only stops trainee posts being screened out of it."""
    return bool(TRAINEE_KINDS & parse_kinds(title, language=language or ""))


def fits_types(kinds: frozenset[str], asked: Collection[str]) -> bool:
    """Whether a posting of ``kinds`` is one of the ``asked`` types (``--type``). Most adverts never state
    their hours or contract, so a posting silent on them still fits a schedule ask ("part-time"); trainee,
    volunteer and graduate posts are named in their titles, so silence there means "not one"."""
    wanted = set(asked)
    if not wanted or kinds & wanted:
        return True
    return wanted <= SCHEDULE_KINDS and not kinds & SCHEDULE_KINDS
