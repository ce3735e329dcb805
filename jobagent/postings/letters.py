"""Cover letters and CV highlights that only state what the profile and the posting actually contain.

A letter that claims a skill the user lacks does more harm than no letter, so the only skills named are
the profile's own skills that the posting also mentions (``MatchResult.matched_skills``), and every other
sentence is dropped rather than guessed when its fact is missing.
"""

from __future__ import annotations

import re

from jinja2 import Template, TemplateError

from jobagent.errors import InvalidInput, JobagentError
from jobagent.postings.matching import same_city, title_similarity
from jobagent.postings.schema import MatchResult, ProfileFacts
from jobagent.text import count_word, normalize, templates

_MAX_TITLES = 3
_MAX_HIGHLIGHTS = 5
_MIN_HIGHLIGHTS = 3


_DEGREE = re.compile(r"\b(?:Ph\.?D|Doctorate|M\.?Sc|B\.?Sc|MBA|Master(?:'s)? degree|Bachelor(?:'s)? degree)\b")
# "worked at Foo", "engineer for Foo Bar": a capitalised name after at/for is read as an employer claim.
_EMPLOYER = re.compile(r"\b(?:at|for)[ \t]+([A-Z][\w&-]*(?:\.\w+)*(?:[ \t]+[A-Z][\w&-]*(?:\.\w+)*)*)")


class UngroundedLetter(JobagentError):
    """A letter states something the profile does not support; it must not be sent."""


def _profile_text(profile: ProfileFacts) -> str:
    parts = [profile.name, profile.email, profile.location or "", " ".join(profile.skills),
             " ".join(profile.titles_held), " ".join(profile.certifications), " ".join(profile.languages)]
    for e in profile.experience:
        parts += [str(e.get(k) or "") for k in ("title", "title_as_written", "employer", "location", "start", "end")]
        parts += list(e.get("bullets") or [])
    for e in profile.education:
        parts += [str(e.get(k) or "") for k in ("degree", "institution", "start_year", "end_year")]
    return "\n".join(parts)


def _norm(text: str) -> str:
    return normalize(text).replace(" ", "")


_QUOTE = re.compile(r'"([^"]{3,})"|“([^”]{3,})”')


def ungrounded_claims(letter: str, profile: ProfileFacts, match: MatchResult, company_notes: str = "") -> list[str]:
    """Numbers, degrees, employers, certifications and skills a letter states that nothing supports.

    Supported means held by the profile or its CV entries (the "8" of "Dublin 8", "GitLab" inside "GitLab
    CI"), or by the posting's own header (its title, company and location: "an employer named in the
    posting's title"). A verbatim quotation of a CV bullet or of the posting/research text is a citation,
    not a claim. The posting's wishes ("10+ years", "Kubernetes") never count as the person's facts.
    """
    from jobagent.cv.vocabulary import find_skills, skills

    p = match.posting
    header = f"{p.title} {p.company} {p.location or ''}"
    own = _profile_text(profile)
    quotable = f"{own}\n{p.description}\n{company_notes}\n{p.company_description or ''}"
    unquoted = _QUOTE.sub(lambda m: " " if (m.group(1) or m.group(2)).rstrip(".…") in quotable else m.group(0),
                          letter)
    allowed_numbers = set(re.findall(r"\d+", f"{own} {header}"))
    if profile.years_experience is not None:
        allowed_numbers.add(str(profile.years_experience))
    problems = [f"number {n}" for n in dict.fromkeys(re.findall(r"\d+", unquoted)) if n not in allowed_numbers]
    degrees = _norm(" ".join(str(e.get("degree") or "") for e in profile.education))
    for degree in dict.fromkeys(m.group(0) for m in _DEGREE.finditer(unquoted)):
        if not degrees or _norm(degree) not in degrees:
            problems.append(f"degree {degree}")
    word = r"[a-z0-9&]+(?:[.-][a-z0-9&]+)*"
    known_words = set(re.findall(word, f"{own} {header}".lower()))
    for employer in dict.fromkeys(m.group(1).rstrip(".") for m in _EMPLOYER.finditer(unquoted)):
        if not all(w in known_words for w in re.findall(word, employer.lower())):
            problems.append(f"employer {employer}")
    have = set(profile.skills) | set(find_skills(own)) | set(find_skills(header))
    have_text = own.lower()
    catalogue = skills()
    for name in find_skills(unquoted):
        if name in have or count_word(have_text, name.lower(), stop_at=1):
            continue
        kind = "certification" if catalogue[name].cert else "skill"
        problems.append(f"{kind} {name}")
    return problems


def repair_letter(letter: str, profile: ProfileFacts, match: MatchResult,
                  company_notes: str = "") -> tuple[str | None, list[str]]:
    """Drop the sentences that state unsupported facts; the letter stands if its core is left.

    Returns (letter or None, the problems found). None means too little is left to send.
    """
    problems = ungrounded_claims(letter, profile, match, company_notes)
    if not problems:
        return letter, []
    kept_lines = []
    for line in letter.split("\n"):
        sentences = re.split(r"(?<=[.!?])\s+", line)
        good = [x for x in sentences if not ungrounded_claims(x, profile, match, company_notes)]
        if sentences and not good and line.strip():
            continue
        kept_lines.append(" ".join(good))
    repaired = re.sub(r"\n{3,}", "\n\n", "\n".join(kept_lines))
    body = [line for line in repaired.split("\n") if line.strip()]
    stands = len(body) >= 4 and match.posting.company in repaired and profile.name in repaired
    if not stands or ungrounded_claims(repaired, profile, match, company_notes):
        return None, problems
    return repaired, problems


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
        template = templates(templates_dir).get_template("cover_letter.md.j2")
        letter = _render(template, profile, match, company_notes, years, skills)
    except TemplateError as exc:
        raise InvalidInput(f"cover letter template error: {exc.__class__.__name__}: {exc}") from exc
    problems = ungrounded_claims(letter, profile, match, company_notes)
    if problems:
        raise UngroundedLetter(f"cover letter for {match.posting.title} at {match.posting.company} states "
                               f"what the profile does not: {', '.join(problems)}")
    return letter


def _render(template: Template, profile: ProfileFacts, match: MatchResult, company_notes: str,
            years: int | None, skills: list[str]) -> str:
    from jobagent.postings.evidence import article, best_evidence, cite, company_fact, current_role, lower_title

    evidence = best_evidence(profile, match)
    current = current_role(profile)
    intro = ""
    if current and years:
        where = f" at {current['employer']}" if current.get("employer") else ""
        intro = (f"I bring {years} years of professional experience, most recently as "
                 f"{article(lower_title(current.get('title_as_written') or current['title']))}{where}.")
    elif _relevant_titles(profile, match):
        titles = _join([article(lower_title(t)) for t in _relevant_titles(profile, match)])
        intro = f"I have worked as {titles}" + (f" and bring {years} years of professional experience." if years
                                                 else ".")
    elif years:
        intro = f"I bring {years} years of professional experience."
    return _tidy(template.render(
        name=profile.name,
        email=profile.email,
        company=match.posting.company,
        title=match.posting.title,
        place=_place(match),
        titles=_join(_relevant_titles(profile, match)),
        years=years,
        skills=_join(skills),
        skill_count=len(skills),
        # The intro already says the years and titles: the bullets do not say them twice.
        highlights=[h for h in cv_highlights(profile, match)
                    if not (intro and (h.startswith("Worked as") or h.endswith("of professional experience")))],
        company_notes=company_notes,
        intro=intro,
        evidence=[cite(ev, f"{match.posting.title} {match.posting.description}") for ev in evidence],
        skills_cited=any(ev.requirement for ev in evidence),
        role=_role(match),
        company_fact=company_fact(match.posting.company, company_notes),
    ))


def _tidy(letter: str) -> str:
    return re.sub(r"\n{3,}", "\n\n", letter)


def _role(match: MatchResult) -> str:
    """The posting title without the company it may carry ("Accountant at PwC Ireland" -> "Accountant")."""
    title = match.posting.title
    cut = re.split(r"\s+(?:at|@|-|–|—|\|)\s+", title, maxsplit=1)
    return cut[0] if len(cut) == 2 and len(cut[0]) >= 3 else title


def write_grounded_letter(profile: ProfileFacts, match: MatchResult, company_notes: str, *,
                          templates_dir: str | None = None) -> tuple[str, list[str]]:
    """The template letter, repaired when it can be: (letter or "", warnings saying what was dropped and why)."""
    years = _years(profile)
    try:
        template = templates(templates_dir).get_template("cover_letter.md.j2")
        letter = _render(template, profile, match, company_notes, years, list(match.matched_skills))
    except TemplateError as exc:
        raise InvalidInput(f"cover letter template error: {exc.__class__.__name__}: {exc}") from exc
    repaired, problems = repair_letter(letter, profile, match, company_notes)
    where = f"cover letter for {match.posting.title} at {match.posting.company}"
    if repaired is None:
        return "", [f"{where} states what the profile does not: {', '.join(problems)}; no letter written"]
    if problems:
        return repaired, [f"{where}: dropped sentences stating {', '.join(problems)}"]
    return letter, []
