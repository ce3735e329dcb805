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

from jobagent.postings.phrase_regex import compile_phrases, joined_words
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
    not_in: frozenset[str]  # languages in which these phrases mean something else
    title_only: bool
    exact: re.Pattern[str]  # tells which group a match of the combined pattern belongs to


@lru_cache(maxsize=1)
def _matchers() -> tuple[re.Pattern[str], re.Pattern[str], tuple[_Group, ...]]:
    """One trie-factored regex for titles and type fields (every phrase) and one for bodies (the phrases a
    body may state): one fast pass per text; a match, which is rare, is then told apart by group."""
    raw = (resources.files("jobagent") / "data" / "employment.tsv").read_text(encoding="utf-8")
    grouped: dict[tuple[str, frozenset[str], bool], list[str]] = {}
    for line in raw.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cells = [*line.split("\t"), "", "", ""]
        kind, phrase, not_in, scope = cells[0], cells[2], cells[3], cells[4]
        if kind not in KINDS:
            raise ValueError(f"employment.tsv: unknown kind {kind!r}")
        key = (kind, frozenset(c for c in not_in.split(",") if c), scope == "title" or kind in _TITLE_ONLY_KINDS)
        grouped.setdefault(key, []).append(phrase)
    groups = tuple(_Group(kind, not_in, title_only, compile_phrases(found))
                   for (kind, not_in, title_only), found in grouped.items())
    every = [p for found in grouped.values() for p in found]
    body = [p for (_, _, title_only), found in grouped.items() if not title_only for p in found]
    return compile_phrases(every), compile_phrases(body), groups


def _joined(text: str | None) -> str:
    return joined_words(text or "")


def _found(pattern: re.Pattern[str], text: str, language: str | None, *, body: bool) -> set[str]:
    kinds: set[str] = set()
    for m in pattern.finditer(text):
        for group in _matchers()[2]:
            if body and group.title_only or group.kind in kinds:
                continue
            if (language is None or language not in group.not_in) and group.exact.fullmatch(m.group()):
                kinds.add(group.kind)
    return kinds


def parse_kinds(title: str, description: str | None = "", structured: str | None = None, *,
                language: str | None = None) -> frozenset[str]:
    """Every kind the posting states: "Werkstudent (m/w/d) Teilzeit" is a working-student and a part-time
    post. ``structured`` is the source's own type field ("FULL_TIME", "Internship", "Vollzeit, befristet"),
    which is read whatever the language; ``language`` is the posting's (detected when not given; "" reads
    every phrase, for text too short to tell)."""
    if language is None:
        from jobagent.languages import detect

        language = detect(f"{title}\n{(description or '')[:BODY_CHARS]}") or ""
    heads, bodies, _ = _matchers()
    found = _found(heads, _joined(structured), None, body=False) if structured else set()
    found |= _found(heads, _joined(title), language, body=False)
    if description:
        found |= _found(bodies, _joined(description[:BODY_CHARS]), language, body=True)
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
