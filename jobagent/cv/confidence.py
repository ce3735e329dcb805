"""How sure the profile is of each fact it read from a CV (issue 26 §3), so the person sees what to check.

The profile is the query: a wrong city or level makes every search after it wrong, and the person never
learns why. Each inferred field therefore gets a grade from the evidence the parser already had, never
from a second guess:

- ``high``: the CV states it in a form that leaves little doubt (a postcode + city in the header, a title
  that carries its level, "8 years of experience", a languages section);
- ``medium``: inferred from something else (a level from the years alone, a title the vocabulary does
  not know, a field voted by skills);
- ``low``: a weak sign (a city from a line that may be the employer's, years from loose date ranges);
- ``missing``: not found at all;
- ``given`` / ``edited``: the person said it (at submit, or with an edit), which beats any reading.

Faces mark every field that is not ``high``, ``given`` or ``edited`` and name the edit that fixes it.
"""

from __future__ import annotations

from typing import Any

from jobagent.cv.entries import is_employer, is_role
from jobagent.cv.schema import EducationEntry, ExperienceEntry
from jobagent.cv.titles import written_level
from jobagent.cv.vocabulary import Occupation, occupations

HIGH, MEDIUM, LOW, MISSING, GIVEN, EDITED = "high", "medium", "low", "missing", "given", "edited"
SURE = frozenset({HIGH, GIVEN, EDITED})
# Where the grades are stored: a reserved key of the profile's ``user_edits`` JSON, which every face
# reads through ``split_edits`` (so it never shows up as an edit, and needs no migration of its own).
CONFIDENCE_KEY = "_confidence"
# Recorded edits (jobagent.api.profiles) and the fields they settle.
_EDITED_BY = {"location": "location", "years_experience": "years_experience", "level": "level",
              "titles_added": "suggested_titles", "titles_removed": "suggested_titles",
              "skills_added": "skills", "skills_removed": "skills"}

_LOCATION = {"labelled": HIGH, "postcode": HIGH, "header": HIGH, "margin": MEDIUM, "top": LOW, "none": MISSING}
_YEARS = {"stated": HIGH, "entries": HIGH, "ranges": LOW, "none": MISSING}


def location_grade(found: str | None, where: str) -> str:
    return _LOCATION.get(where, LOW) if found else MISSING


def years_grade(years: int | None, basis: str) -> str:
    return _YEARS.get(basis, LOW) if years is not None else MISSING


def level_grade(level: str | None, current: Occupation | None, years: int | None, *, title: str | None,
                vocational: bool) -> str:
    """Mirrors ``titles.person_level``: a title that states its level is sure; a level from the years
    alone (a bare title, or no title) is an inference; with neither title nor years it is a default."""
    if level is None:
        return MISSING
    if current is not None:
        bare = current.level == "mid" and len(occupations().forms[current.base]) > 1
        if not bare:
            return HIGH
        return MEDIUM if years is not None else LOW
    if written_level(title):
        return HIGH
    if vocational and title:
        return MEDIUM
    return MEDIUM if years is not None else LOW


def current_title_grade(current: ExperienceEntry | None, held: list[Occupation]) -> str:
    """The latest job's title: sure when the vocabulary knows it, or a current entry names a role word."""
    if current is None:
        return LOW if held else MISSING
    if current.title in occupations().by_title or current.current and is_role(current.title_as_written or ""):
        return HIGH
    return MEDIUM


def field_grade(field: str | None, held: list[Occupation]) -> str:
    if field is None:
        return MISSING
    return HIGH if held else MEDIUM


def skills_grade(found: list[str]) -> str:
    return MISSING if not found else (HIGH if len(found) >= 3 else MEDIUM)


def languages_grade(languages: list[str], *, from_section: bool) -> str:
    if not languages:
        return MISSING
    if not from_section:
        return LOW  # only language names among the skills, no section that lists them with levels
    return HIGH if all("(" in item for item in languages) else MEDIUM


def entry_grades(e: ExperienceEntry) -> dict[str, str]:
    """Each part of one job. An employer is sure when it reads as an organisation ("GmbH", "Hospital") or
    sits beside a title the parser recognised; the rest of a header is otherwise only what was left over."""
    title_known = e.title in occupations().by_title or is_role(e.title_as_written or "")
    title = MISSING if not e.title else (HIGH if title_known else MEDIUM)
    if not e.employer:
        employer = MISSING
    else:
        employer = HIGH if is_employer(e.employer) or title_known else MEDIUM
    return {"title": title, "employer": employer, "start": HIGH if e.start else MISSING,
            "end": HIGH if e.end or e.current else MISSING}


def education_grade(education: list[EducationEntry]) -> str:
    if not education:
        return MISSING
    return HIGH if all(e.degree and e.institution for e in education) else MEDIUM


def worst(grades: list[str]) -> str:
    order = (MISSING, LOW, MEDIUM, HIGH)
    ranked = [g for g in grades if g in order]
    return min(ranked, key=order.index) if ranked else HIGH


def experience_grade(entries: list[dict[str, str]]) -> str:
    if not entries:
        return MISSING
    return worst([g for e in entries for g in e.values()])


def with_edits(confidence: dict[str, Any], edits: dict[str, Any]) -> dict[str, Any]:
    """The grades as the person sees them now: a field they edited is theirs, whatever the CV said."""
    out = dict(confidence)
    for key, field in _EDITED_BY.items():
        if key in edits and field in out:
            out[field] = EDITED
    return out


def split_edits(stored: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the person's edits, the grades as they stand after those edits) from a stored ``user_edits``."""
    edits = {k: v for k, v in stored.items() if k != CONFIDENCE_KEY}
    return edits, with_edits(dict(stored.get(CONFIDENCE_KEY) or {}), edits)


def uncertain(confidence: dict[str, Any]) -> list[str]:
    """The fields to check, in the profile's order: every graded field that is not sure."""
    return [k for k, v in confidence.items() if isinstance(v, str) and v not in SURE]
