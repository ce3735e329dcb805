"""Cover letters and CV highlights that only state what the profile and the posting actually contain.

A letter that claims a skill the user lacks does more harm than no letter, so the only skills named are
the profile's own skills that the posting also mentions (``MatchResult.matched_skills``), and every other
sentence is dropped rather than guessed when its fact is missing.
"""

from __future__ import annotations

import re
from functools import lru_cache

from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    StrictUndefined,
    Template,
    TemplateError,
)

from jobagent.errors import InvalidInput, JobagentError
from jobagent.postings.matching import same_city, title_similarity
from jobagent.postings.schema import MatchResult, ProfileFacts

_MAX_TITLES = 3
_MAX_HIGHLIGHTS = 5
_MIN_HIGHLIGHTS = 3


@lru_cache(maxsize=4)
def _environment(templates_dir: str | None = None) -> Environment:
    # StrictUndefined: a typo in the template fails loudly instead of silently writing an empty claim.
    # A user's directory comes first, so any template can be overridden by putting one of the same name there.
    loaders: list[BaseLoader] = [FileSystemLoader(templates_dir)] if templates_dir else []
    return Environment(loader=ChoiceLoader([*loaders, PackageLoader("jobagent", "templates")]), autoescape=False,
                       undefined=StrictUndefined, keep_trailing_newline=True)


_DEGREE = re.compile(r"\b(?:Ph\.?D|Doctorate|M\.?Sc|B\.?Sc|MBA|Master(?:'s)? degree|Bachelor(?:'s)? degree)\b")
# "worked at Foo", "engineer for Foo Bar": a capitalised name after at/for is read as an employer claim.
_EMPLOYER = re.compile(r"\b(?:at|for)[ \t]+((?:[A-Z][\w&.-]*)(?:[ \t]+[A-Z][\w&.-]*)*)")


class UngroundedLetter(JobagentError):
    """A letter states something the profile does not support; it must not be sent."""


def ungrounded_claims(letter: str, profile: ProfileFacts, match: MatchResult) -> list[str]:
    """Numbers and skills in a letter that neither the profile nor the posting's own header supports.

    Used on every letter, template or (later) model-written: a custom template or a model may invent
    "10 years" or "Kubernetes"; this catches it before the letter is stored.
    """
    from jobagent.cv.extraction import skill_terms

    p = match.posting
    own = f"{p.title} {p.company} {p.location or ''} {profile.email} {profile.name}"
    allowed_numbers = set(re.findall(r"\d+", own))
    if profile.years_experience is not None:
        allowed_numbers.add(str(profile.years_experience))
    problems = [f"number {n}" for n in dict.fromkeys(re.findall(r"\d+", letter)) if n not in allowed_numbers]
    for degree in dict.fromkeys(m.group(0) for m in _DEGREE.finditer(letter)):
        problems.append(f"degree {degree}")  # profiles hold no degrees yet, so any degree is unsupported
    known = {p.company.lower(), p.title.lower(), profile.name.lower(), *(t.lower() for t in profile.titles_held),
             *(skill.lower() for skill in profile.skills),
             *(part.strip().lower() for part in (profile.location or "").split(","))}
    for employer in dict.fromkeys(m.group(1) for m in _EMPLOYER.finditer(letter)):
        if employer.lower() not in known:
            problems.append(f"employer {employer}")
    have = {s.lower() for s in profile.skills}
    header = f"{p.title} {p.company}".lower()
    for term in skill_terms():
        if term.name.lower() not in have and term.name.lower() not in header and term.pattern.search(letter):
            problems.append(f"skill {term.name}")
    return problems


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _years(profile: ProfileFacts) -> int | None:
    """Zero or negative years is a parsing artefact or no experience: no sentence worth writing."""
    years = profile.years_experience
    return years if years is not None and years >= 1 else None


def _relevant_titles(profile: ProfileFacts, match: MatchResult) -> list[str]:
    """Titles held, closest to the posting first, so the letter leads with the most relevant one."""
    titles = list(dict.fromkeys(t.strip() for t in profile.titles_held if t.strip()))
    titles.sort(key=lambda t: -title_similarity(match.posting.title, t))  # stable: ties keep profile order
    return titles[:_MAX_TITLES]


def _place(match: MatchResult) -> str:
    p = match.posting
    location = p.location if p.location and "remote" not in p.location.lower() else None
    if location and p.remote:
        return f" in {location} (remote)"
    if location:
        return f" in {location}"
    return " (remote)" if p.remote else ""


def cv_highlights(profile: ProfileFacts, match: MatchResult) -> list[str]:
    """Up to five bullets, each restating a profile fact that bears on this posting; fewer, never invented."""
    years = _years(profile)
    titles = _relevant_titles(profile, match)
    skills = list(match.matched_skills)
    posting = match.posting
    background: list[str] = []
    if years:
        background.append(f"{years} year{'s' if years != 1 else ''} of professional experience")
    if titles:
        background.append(f"Worked as {_join(titles)}")
    place: list[str] = []
    if profile.location and posting.remote:
        place.append(f"Based in {profile.location}; the role is open to remote work")
    elif profile.location and same_city(profile.location, posting.location):
        place.append(f"Based in {profile.location}, where the role is located")
    skill_bullets = [f"Skilled in {_join(skills)}, which this posting asks for"] if skills else []
    # A thin profile gets one bullet per matched skill rather than padding with anything unstated.
    if len(background) + len(place) + 1 < _MIN_HIGHLIGHTS and len(skills) > 1:
        room = _MAX_HIGHLIGHTS - len(background) - len(place)
        skill_bullets = [f"Skilled in {s}, which this posting asks for" for s in skills[:room]]
    return (background + skill_bullets + place)[:_MAX_HIGHLIGHTS]


def write_cover_letter(profile: ProfileFacts, match: MatchResult, company_notes: str, *,
                       templates_dir: str | None = None) -> str:
    """Markdown letter from the template; ``company_notes`` is passed through for custom templates.

    Raises ``UngroundedLetter`` rather than return a letter that claims what the profile does not hold,
    and ``InvalidInput`` for a template that does not render.
    """
    years = _years(profile)
    skills = list(match.matched_skills)
    try:
        template = _environment(templates_dir).get_template("cover_letter.md.j2")
        letter = _render(template, profile, match, company_notes, years, skills)
    except TemplateError as exc:
        raise InvalidInput(f"cover letter template error: {exc.__class__.__name__}: {exc}") from exc
    problems = ungrounded_claims(letter, profile, match)
    if problems:
        raise UngroundedLetter(f"cover letter for {match.posting.title} at {match.posting.company} states "
                               f"what the profile does not: {', '.join(problems)}")
    return letter


def _render(template: Template, profile: ProfileFacts, match: MatchResult, company_notes: str,
            years: int | None, skills: list[str]) -> str:
    return template.render(
        name=profile.name,
        email=profile.email,
        company=match.posting.company,
        title=match.posting.title,
        place=_place(match),
        titles=_join(_relevant_titles(profile, match)),
        years=years,
        skills=_join(skills),
        skill_count=len(skills),
        highlights=cv_highlights(profile, match),
        company_notes=company_notes,
    )
