"""Reading a CV's text into a structured profile: sections, entries, skills, level and titles.

Deterministic on purpose: the same CV always gives the same profile, every fact can be pointed at in the
text, and nothing is guessed. A fact that is not found stays empty rather than being made up; the derived
fields are ``level``, ``field`` and ``suggested_titles``, built from the entries and skills found.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from jobagent.cv import confidence as grade
from jobagent.cv.dates import find_range, union_months
from jobagent.cv.entries import education_entries, experience_entries, is_apprenticeship, is_role, split_training
from jobagent.cv.places import locate
from jobagent.cv.schema import ExperienceEntry, ExtractedProfile
from jobagent.cv.sections import clean, lines_of, split_sections, strip_bullet
from jobagent.cv.spoken import spoken_languages
from jobagent.cv.titles import (
    current_entry,
    local_title,
    own_titles,
    person_field,
    person_level,
    suggest_for_language,
    suggest_titles,
)
from jobagent.cv.vocabulary import Occupation, find_skills, find_titles, occupations, skills
from jobagent.errors import InvalidInput
from jobagent.languages import detect

MIN_WORDS = 30

_EXPLICIT_YEARS = re.compile(
    r"(?<![\d.])(\d{1,2})\s*\+?\s*(?:years?|yrs?)['’]?\s+(?:of\s+)?(?:[A-Za-z-]+\s+){0,2}?experience", re.I)
_YEARS_IN = re.compile(r"(?<![\d.])(\d{1,2})\s*\+?\s*(?:years?|yrs?)\s+(?:in|as)\s", re.I)


def _top_lines(text: str, n: int = 10) -> list[str]:
    return [c for c in (clean(line) for line in text.splitlines()) if c][:n]


def _today(today: date | None) -> tuple[int, int]:
    today = today or date.today()
    return today.year, today.month


def years_from_entries(entries: list[ExperienceEntry], today: tuple[int, int]) -> int | None:
    """Union of the work intervals in whole years: overlaps once, internships not at all."""
    spans = []
    for e in entries:
        if e.internship or not e.start:
            continue
        start = (int(e.start[:4]), int(e.start[5:7]))
        end = (int(e.end[:4]), int(e.end[5:7])) if e.end else today
        first, last = start[0] * 12 + start[1] - 1, min(end[0] * 12 + end[1] - 1, today[0] * 12 + today[1] - 1)
        if last >= first:
            spans.append((first, last))
    if not spans:
        return None
    return union_months(spans) // 12


def _stated_years(text: str) -> int | None:
    found = [int(m.group(1)) for p in (_EXPLICIT_YEARS, _YEARS_IN) for m in p.finditer(text)
             if 0 < int(m.group(1)) <= 60]
    return max(found) if found else None


def _ranges_years(text: str, today: tuple[int, int]) -> int | None:
    """Fallback for CVs without recognisable entries: every date range outside education."""
    spans = []
    for line in text.splitlines():
        found = find_range(line)
        if found:
            first, last = found.months(today)
            if last >= first:
                spans.append((first, last))
    return union_months(spans) // 12 if spans else None


def _held(entries: list[ExperienceEntry], text: str) -> list[Occupation]:
    occ = occupations()
    ordered = sorted((e for e in entries if not e.internship),
                     key=lambda e: (e.current, e.end or "9999", e.start or ""), reverse=True)
    held = [occ.by_title[e.title] for e in ordered if e.title in occ.by_title]
    if not held and not entries:
        held = find_titles(text)
    return list({o.title: o for o in held}.values())


def _certifications(sections_lines: list[str], found_skills: list[str]) -> list[str]:
    known = skills()
    certs = [s for s in found_skills if known[s].cert]
    for raw in sections_lines:
        text = strip_bullet(clean(raw))
        dated = find_range(text)
        if dated:
            text = text[:dated.span[0]] + text[dated.span[1]:]
        text = text.strip(" ,;-–|()")
        text = re.sub(r"[\s,;(–-]*(?:19|20)\d{2}\)?$", "", text).strip()
        if text and len(text) <= 120 and not any(text.lower() == c.lower() for c in certs):
            named = [s for s in find_skills(text) if known[s].cert]
            if not named:
                certs.append(text)
    return list(dict.fromkeys(certs))


def _not_only_titles(found: list[str], text: str, experience: list[ExperienceEntry]) -> list[str]:
    """Skills without those that are also a job word ("Chef" the DevOps tool in "Head Chef") and that the
    CV names only inside the job titles it holds: a title says what someone was, not what they used."""
    titles = sorted({e.title_as_written for e in experience if e.title_as_written}, key=len, reverse=True)
    doubtful = [s for s in found if is_role(s)]
    if not titles or not doubtful:
        return found
    rest = text
    for title in titles:
        rest = re.sub(re.escape(title), " ", rest, flags=re.I)
    kept = set(find_skills(rest))
    return [s for s in found if s not in doubtful or s in kept]


def extract_profile(text: str, *, today: date | None = None) -> ExtractedProfile:
    """Find the profile facts in CV text, or refuse text that is not a CV.

    Refusing here (instead of storing an empty profile) tells the user at once that they sent the wrong
    file. ``today`` exists so tests can pin what "Present" means.
    """
    words = len(text.split())
    if words < MIN_WORDS:
        raise InvalidInput(f"the text does not look like a CV: only {words} words, too few to find skills, "
                           "job titles or experience")
    now = _today(today)
    sections = split_sections(text)
    experience = experience_entries(lines_of(sections, "experience"))
    if not experience and not any(s.kind == "experience" for s in sections):
        # No "Experience" heading: dated lines anywhere outside education still describe jobs.
        outside = [line for s in sections if s.kind in ("header", "summary", "other") for line in s.lines]
        experience = experience_entries(outside)
    cv_language = detect(text)
    experience = [local_title(e, cv_language) for e in experience]
    experience, training = split_training(experience)
    education = education_entries(lines_of(sections, "education"))
    education += [t for t in training if not any(t.degree == e.degree for e in education)]
    found_skills = _not_only_titles(find_skills(text), text, experience)
    held = _held(experience, text)
    work_text = "\n".join(line for s in sections if s.kind not in ("education", "certifications")
                          for line in s.lines)
    years, years_basis = _stated_years(text), "stated"
    if years is None:
        years, years_basis = ((years_from_entries(experience, now), "entries") if experience
                              else (_ranges_years(work_text, now), "ranges"))
    if not found_skills and not held and years is None and not experience:
        raise InvalidInput("the text does not look like a CV: no skills, job titles or experience found")
    current = current_entry(experience)
    current_occ = occupations().by_title.get(current.title or "") if current else (held[0] if held else None)
    vocational = any(is_apprenticeship(e.degree) for e in education)
    level, band = person_level(current_occ, years, title=current.title_as_written if current else None,
                               vocational=vocational)
    field = person_field(held, found_skills)
    spoken = spoken_languages(lines_of(sections, "languages"))
    languages = spoken or [s for s in found_skills if skills()[s].field == "language"]
    top = _top_lines(text)
    location, location_basis = locate(text, top)
    titles_held = list(dict.fromkeys([o.title for o in held] +
                                     [e.title for e in experience if e.title and not e.internship]))
    suggested = suggest_for_language(own_titles(experience, band), suggest_titles(held, found_skills, band, field),
                                     cv_language, known=bool(held))
    entry_grades = [grade.entry_grades(e) for e in experience]
    confidence: dict[str, Any] = {
        "location": grade.location_grade(location, location_basis),
        "level": grade.level_grade(level, current_occ, years, title=current.title_as_written if current else None,
                                   vocational=vocational),
        "field": grade.field_grade(field, held),
        "years_experience": grade.years_grade(years, years_basis),
        "titles_held": grade.current_title_grade(current, held),
        "skills": grade.skills_grade(found_skills),
        "languages": grade.languages_grade(languages, from_section=bool(spoken)),
        "experience": grade.experience_grade(entry_grades),
        "education": grade.education_grade(education),
        "entries": entry_grades,
    }
    # The suggestions are built from the current title at the level: no surer than the weaker of the two.
    confidence["suggested_titles"] = grade.worst([confidence["titles_held"], confidence["level"]]) \
        if suggested else grade.MISSING
    return ExtractedProfile(
        location=location,
        skills=found_skills,
        years_experience=years,
        titles_held=titles_held,
        suggested_titles=suggested,
        experience=experience,
        education=education,
        certifications=_certifications(lines_of(sections, "certifications"), found_skills),
        languages=languages,
        level=level,
        field=field,
        cv_language=cv_language,
        confidence=confidence,
    )
