"""The person's field and level, and the job titles to search for at that level.

Rules (issue 13): suggestions come from the current title, the other titles held, their related titles
(same rung only, curated in occupations.tsv) and, when no title is recognised, the field's occupations
whose key skills the person has. Every suggestion sits in the person's level band: never a lesser role
("Nursing Assistant" for an ICU nurse, "Systems Engineer" for a senior SRE), never a jump ("Senior"
after two years). Abbreviations are folded into one canonical title, so "SRE" and "Site Reliability
Engineer" are one suggestion.

CVs in German, Dutch, French, Spanish and Portuguese (issue 25 §5, issue 26 §2): the occupations vocabulary
is English, so there the person's own titles, as written and without gender markers, come first and stand
alone ("Elektroniker für Betriebstechnik", "Enfermera de urgencias"): an English title they never wrote
would search for postings in a language they did not ask for. Such a title's level is the level word it
carries (``level`` rows of ``cv_words.tsv``: Junior, Meister, Teamleiter, Responsable ...), and in the
German vocational system a finished apprenticeship makes a Geselle or Facharbeiter: mid level, whatever
the years, until a Techniker or Meister grade says more.
"""

from __future__ import annotations

import re
from collections import Counter

from jobagent.cv.lexicon import find_keys
from jobagent.cv.schema import ExperienceEntry
from jobagent.cv.vocabulary import LEVEL_RANK, Occupation, occupations, skill_field
from jobagent.languages import stopwords
from jobagent.text import words

MAX_SUGGESTIONS = 6
_BANDS = {"entry": ("entry", "junior"), "junior": ("junior", "mid"), "mid": ("mid",), "senior": ("senior",),
          "lead": ("lead",), "manager": ("manager",), "director": ("director",)}
_NOT_FIELDS = {"language", "business", ""}


def level_from_years(years: int | None) -> str:
    if years is None:
        return "mid"
    if years < 1:
        return "entry"
    if years <= 2:
        return "junior"
    if years <= 5:
        return "mid"
    return "senior"


def current_entry(entries: list[ExperienceEntry]) -> ExperienceEntry | None:
    """The most recent real job: a current one first, then the latest end, then the latest start."""
    jobs = [e for e in entries if not e.internship and e.title]
    if not jobs:
        return None
    return max(jobs, key=lambda e: (e.current, e.end or "9999", e.start or ""))


def person_field(held: list[Occupation], skills: list[str]) -> str | None:
    if held:
        return held[0].field
    votes = Counter(f for f in (skill_field(s) for s in skills) if f and f not in _NOT_FIELDS)
    return votes.most_common(1)[0][0] if votes else None


def written_level(title: str | None) -> str | None:
    """The level a title's own words state, in any of the six languages ("Industriemeister" -> lead,
    "Teamleiter" -> lead, "Junior" -> junior), or None for a bare title."""
    found = find_keys(title or "", "level", compound_keys=("lead", "manager", "director"))
    return max(found, key=rank) if found else None


def person_level(current: Occupation | None, years: int | None, *, title: str | None = None,
                 vocational: bool = False) -> tuple[str, tuple[str, ...]]:
    """(level, band of levels a suggestion may have).

    A title that states its level ("Senior", "Charge Nurse", "Head Chef", "Meister") decides; a bare title
    ("ICU Nurse", "Accountant") takes its level from the years, and the bare title itself stays in the band.
    A bare title outside the vocabulary after a finished apprenticeship (``vocational``) is mid level.
    """
    by_years = level_from_years(years)
    if current is None:
        stated = written_level(title)
        if stated:
            return stated, _BANDS[stated]
        if vocational and title:
            level = "junior" if years is not None and years < 2 else "mid"
            return level, _BANDS[level]
        return by_years, _BANDS[by_years]
    occ = occupations()
    levels = occ.forms[current.base]
    bare = current.level == "mid" and len(levels) > 1
    if not bare:
        band = _BANDS[current.level]
        if current.level == "senior" and years is not None and years >= 12 and "lead" in levels:
            band = ("senior", "lead")
        return current.level, band
    level = by_years if by_years in levels or by_years in ("junior", "senior", "entry") else "mid"
    band = tuple(dict.fromkeys((level, *_BANDS[level], "mid"))) if level in ("junior", "senior") else _BANDS[level]
    return level, band


def _forms(base: str, band: tuple[str, ...]) -> list[str]:
    levels = occupations().forms.get(base, {})
    return [levels[level] for level in band if level in levels]


def suggest_titles(held: list[Occupation], skills: list[str], band: tuple[str, ...],
                   field: str | None) -> list[str]:
    occ = occupations()
    # Earlier titles held below today's band ("Linux Administrator" before "Senior SRE") are not offered
    # again, not even with a "Senior" in front: that is still the lesser role.
    kept = held[:1] + [o for o in held[1:] if rank(o.level) >= min(rank(b) for b in band)]
    bases: list[str] = [o.base for o in kept]
    for o in kept[:2]:
        bases.extend(o.related)
    if len(bases) < 2 and field:
        have = set(skills)
        ranked = sorted((b for b in occ.bases.values() if b.field == field),
                        key=lambda b: -len(have & set(b.skills)))
        bases.extend(b.base for b in ranked if have & set(b.skills))
        if not any(_forms(b, band) for b in bases):
            bases.extend(b.base for b in ranked)
    out: list[str] = []
    for base in dict.fromkeys(bases):
        for title in _forms(base, band):
            if title not in out:
                out.append(title)
    return out[:MAX_SUGGESTIONS]


def _title_key(title: str) -> frozenset[str]:
    stop = stopwords()
    return frozenset(w for w in words(title) if w not in stop)


def own_titles(entries: list[ExperienceEntry], band: tuple[str, ...]) -> list[str]:
    """The person's own job titles as written (gender markers gone), current first, each once; a title
    below the band ("Praktikant", an earlier "Junior ...") is not offered again."""
    from jobagent.cv.entries import without_gender

    floor = min(rank(b) for b in band)
    ordered = sorted((e for e in entries if not e.internship and (e.title_as_written or e.title)),
                     key=lambda e: (e.current, e.end or "9999", e.start or ""), reverse=True)
    out: list[str] = []
    seen: set[frozenset[str]] = set()
    for e in ordered:
        title = without_gender(e.title_as_written or e.title or "")
        level = e.level if e.level and e.title in occupations().by_title else written_level(title)
        key = _title_key(title)
        if not title or not key or key in seen or (level is not None and rank(level) < floor):
            continue
        seen.add(key)
        out.append(title)
    return out


def suggest_for_language(own: list[str], suggested: list[str], language: str | None, *,
                         known: bool) -> list[str]:
    """The suggestions for a CV in ``language``. An English CV keeps the vocabulary's suggestions when the
    vocabulary ``known`` its titles, else its own titles come first. A CV in another language gets its own
    titles, and the vocabulary's English ones only when it names no title at all."""
    if language in (None, "en"):
        return suggested if known or not own else list(dict.fromkeys([*own, *suggested]))[:MAX_SUGGESTIONS]
    return own[:MAX_SUGGESTIONS] if own else suggested


def in_band(title: str, band: tuple[str, ...]) -> bool:
    found = occupations().by_title.get(title)
    return found is None or found.level in band


def rank(level: str | None) -> int:
    return LEVEL_RANK.get(level or "mid", 2)


def titles_for_level(titles_held: list[str], skills: list[str], level: str, field: str | None,
                     years: int | None) -> list[str]:
    """Suggestions again for a level the user set: the held titles' families at that level."""
    from jobagent.cv.vocabulary import parse_title

    held = [o for o in (occupations().by_title.get(t) or parse_title(t) for t in titles_held) if o]
    band = _BANDS.get(level, ("mid",))
    if level == "senior" and years is not None and years >= 12:
        band = ("senior", "lead")
    return suggest_titles(held, skills, band, field or person_field(held, skills))


# "Professor" in a Portuguese, Spanish or French CV is a school teacher ("Professor de matemática",
# "Professora do ensino secundário"); the vocabulary's English "Professor" is a university chair, a lead
# role with "Lecturer" beside it. A university post says so in its title.
_TEACHER_LANGUAGES = frozenset({"pt", "es", "fr"})
_UNIVERSITY = re.compile(r"universit|catedr|associad|adjunt|auxiliar|titular|conf[ée]rences", re.I)


def local_title(entry: ExperienceEntry, language: str | None) -> ExperienceEntry:
    """The entry with its title read as the CV's language means it (a school "Professor" is a Teacher)."""
    if language not in _TEACHER_LANGUAGES or entry.title != "Professor" or \
            _UNIVERSITY.search(entry.title_as_written or ""):
        return entry
    teacher = occupations().by_title["Teacher"]
    return entry.model_copy(update={"title": teacher.title, "level": teacher.level, "field": teacher.field})
