"""Cover letters and CV highlights that only state what the profile and the posting actually contain.

A letter that claims a skill the user lacks does more harm than no letter, so the only skills named are
the profile's own skills that the posting also mentions (``MatchResult.matched_skills``), and every other
sentence is dropped rather than guessed when its fact is missing.

Letters are written in the posting's language (or the one the user forces) from the phrase tables of
``postings.phrases``; this module only chooses facts, so it holds no sentence of any language. The grounding
check reads letters in any of the six languages, since a model-written letter may be in any of them.
"""

from __future__ import annotations

import re
from functools import lru_cache

from jinja2 import Template, TemplateError

from jobagent.errors import InvalidInput
from jobagent.postings.matching import same_city, title_similarity
from jobagent.postings.phrases import Phrases, all_prepositions, posting_letter_language
from jobagent.postings.schema import MatchResult, ProfileFacts
from jobagent.text import count_word, normalize, templates

_MAX_TITLES = 3
_MAX_HIGHLIGHTS = 5
_MIN_HIGHLIGHTS = 3


# Degrees as the six languages write them; a degree the profile's education lacks is refused.
_DEGREE = re.compile(r"\b(?:Ph\.?D|Doctorate|M\.?Sc|B\.?Sc|MBA|Master(?:'s)? degree|Bachelor(?:'s)? degree"
                     r"|Master of \w+|Bachelor of \w+|Master-?[Aa]bschluss|Bachelor-?[Aa]bschluss|Diplom\b|Dipl\.-Ing"
                     r"|Doktortitel|Promotion|Doctorat|Diplôme d'ingénieur|Doctorado|Máster|Licenciatura|Grado en"
                     r"|Mestrado|Doutoramento|Licenciatura)")
# "worked at Foo", "bei Foo GmbH", "chez Foo SA", "na Foo S.A.": a capitalised name after one of the
# prepositions of the phrase tables (all six languages: an LLM letter may be in any) is an employer claim.
_NAME = r"[A-ZÀ-ÖØ-Þ][\w&-]*(?:\.\w+)*"


def _employer_pattern(prepositions: list[str]) -> re.Pattern[str]:
    return re.compile(rf"\b(?:{'|'.join(map(re.escape, prepositions))})[ \t]+({_NAME}(?:[ \t]+{_NAME})*)")


_EMPLOYER = _employer_pattern(all_prepositions())
# A sentence ends at . ! or ?, but not inside "B.V." or "S.A." (a company's name must never be cut in two).
_SENTENCE_END = re.compile(r"(?<=[.!?])(?<![.\s][A-ZÀ-Þ]\.)\s+")
_WORD = r"[^\W_][\w&]*(?:[.-][^\W_][\w&]*)*"  # Unicode words: "Müller" is not "Möller"


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


# Quotations in the six languages' marks: "…", “…”, „…“, « … ».
_QUOTE = re.compile(r'"([^"]{3,})"|“([^”]{3,})”|„([^“]{3,})“|«\s?([^»]{3,}?)\s?»')


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
    unquoted = _QUOTE.sub(lambda m: " " if next(g for g in m.groups() if g).rstrip(".…") in quotable
                          else m.group(0), letter)
    allowed_numbers = set(re.findall(r"\d+", f"{own} {header}"))
    # The research notes' count of the company's open roles is a fact about the company, as the header is.
    allowed_numbers.update(re.findall(r"^- (\d+) open roles? at ", company_notes, re.M))
    if profile.years_experience is not None:
        allowed_numbers.add(str(profile.years_experience))
    problems = [f"number {n}" for n in dict.fromkeys(re.findall(r"\d+", unquoted)) if n not in allowed_numbers]
    degrees = _norm(" ".join(str(e.get("degree") or "") for e in profile.education))
    for degree in dict.fromkeys(m.group(0) for m in _DEGREE.finditer(unquoted)):
        if not degrees or _norm(degree) not in degrees:
            problems.append(f"degree {degree}")
    known_words = set(re.findall(_WORD, f"{own} {header}".casefold())) | _phrase_words()
    for employer in dict.fromkeys(m.group(1).rstrip(".") for m in _EMPLOYER.finditer(unquoted)):
        if not all(w in known_words for w in re.findall(_WORD, employer.casefold())):
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
        sentences = _SENTENCE_END.split(line)
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


@lru_cache(maxsize=1)
def _phrase_words() -> frozenset[str]:
    """The fixed words of every phrase table ("Ihre", "Team"): never a claim about the person."""
    from jobagent.languages import SUPPORTED

    return frozenset(w for code in SUPPORTED for w in Phrases(code).words())


def _years(profile: ProfileFacts) -> int | None:
    """Zero or negative years is a parsing artefact or no experience: no sentence worth writing."""
    years = profile.years_experience
    return years if years is not None and years >= 1 else None


def _relevant_titles(profile: ProfileFacts, match: MatchResult) -> list[str]:
    """Titles held, closest to the posting first, so the letter leads with the most relevant one."""
    titles = list(dict.fromkeys(t.strip() for t in profile.titles_held if t.strip()))
    titles.sort(key=lambda t: -title_similarity(match.posting.title, t))  # stable: ties keep profile order
    return titles[:_MAX_TITLES]


def _place(match: MatchResult, ph: Phrases) -> str:
    p = match.posting
    location = p.location if p.location and "remote" not in p.location.lower() else None
    if location and p.remote:
        return ph.say("place_city_remote", location=location)
    if location:
        return ph.say("place_city", location=location)
    return ph.say("place_remote") if p.remote else ""


def cv_highlights(profile: ProfileFacts, match: MatchResult, language: str | None = "en") -> list[str]:
    """Up to five bullets, each restating a profile fact that bears on this posting; fewer, never invented."""
    ph = Phrases(language)
    years = _years(profile)
    titles = _relevant_titles(profile, match)
    skills = list(match.matched_skills)
    posting = match.posting
    background: list[str] = []
    if years:
        background.append(ph.say("hl_years", n_years=ph.years(years)))
    if titles:
        background.append(ph.say("hl_worked_as", titles=ph.join(titles)))
    place: list[str] = []
    if profile.location and posting.remote:
        place.append(ph.say("hl_based_remote", location=profile.location))
    elif profile.location and same_city(profile.location, posting.location):
        place.append(ph.say("hl_based_city", location=profile.location))
    skill_bullets = [ph.say("hl_skilled", skills=ph.join(skills))] if skills else []
    # A thin profile gets one bullet per matched skill rather than padding with anything unstated.
    if len(background) + len(place) + 1 < _MIN_HIGHLIGHTS and len(skills) > 1:
        room = _MAX_HIGHLIGHTS - len(background) - len(place)
        skill_bullets = [ph.say("hl_skilled", skills=s) for s in skills[:room]]
    return (background + skill_bullets + place)[:_MAX_HIGHLIGHTS]


def _letter(profile: ProfileFacts, match: MatchResult, company_notes: str, templates_dir: str | None,
            language: str | None) -> str:
    """The rendered template: the user's ``cover_letter.<lang>.md.j2`` or ``cover_letter.md.j2``, else ours."""
    code = posting_letter_language(match.posting, language)
    try:
        template = templates(templates_dir).select_template([f"cover_letter.{code}.md.j2", "cover_letter.md.j2"])
        return _render(template, profile, match, company_notes, Phrases(code))
    except TemplateError as exc:
        raise InvalidInput(f"cover letter template error: {exc.__class__.__name__}: {exc}") from exc


def _intro(profile: ProfileFacts, match: MatchResult, years: int | None, ph: Phrases) -> str:
    from jobagent.postings.evidence import current_role

    current = current_role(profile)
    titles = _relevant_titles(profile, match)
    if current and years:
        title = ph.title(current.get("title_as_written") or current["title"])
        if current.get("employer"):
            return ph.say("intro_current_at", n_years=ph.years(years), title=title, employer=current["employer"])
        return ph.say("intro_current", n_years=ph.years(years), title=title)
    if titles:
        named = ph.join([ph.title(t) for t in titles])
        if years:
            return ph.say("intro_titles_years", titles=named, n_years=ph.years(years))
        return ph.say("intro_titles", titles=named)
    return ph.say("intro_years", n_years=ph.years(years)) if years else ""


def _render(template: Template, profile: ProfileFacts, match: MatchResult, company_notes: str,
            ph: Phrases) -> str:
    from jobagent.postings.evidence import best_evidence, cite, company_fact

    years = _years(profile)
    skills = list(match.matched_skills)
    evidence = best_evidence(profile, match)
    intro = _intro(profile, match, years, ph)
    company = match.posting.company
    repeated = {ph.say("hl_years", n_years=ph.years(years)) if years else "",
                *(ph.say("hl_worked_as", titles=ph.join(_relevant_titles(profile, match))),)}
    return _tidy(template.render(
        language=ph.language,
        name=profile.name,
        email=profile.email,
        company=company,
        title=match.posting.title,
        place=_place(match, ph),
        titles=ph.join(_relevant_titles(profile, match)),
        years=years,
        skills=ph.join(skills),
        skill_count=len(skills),
        # The intro already says the years and titles: the bullets do not say them twice.
        highlights=[h for h in cv_highlights(profile, match, ph.language) if not (intro and h in repeated)],
        company_notes=company_notes,
        intro=intro,
        evidence=[cite(ev, f"{match.posting.title} {match.posting.description}", ph) for ev in evidence],
        skills_cited=any(ev.requirement for ev in evidence),
        role=_role(match),
        company_fact=company_fact(company, company_notes, ph),
        greeting=ph.say("greeting", company=company),
        opening=ph.say("opening", role=ph.role(_role(match)), place=_place(match, ph)),
        skills_sentence=ph.say("skills_one" if len(skills) == 1 else "skills_many", skills=ph.join(skills)),
        highlights_heading=ph.say("highlights_heading"),
        closing_line=ph.say("closing_line", company=company),
        sign_off=ph.say("sign_off"),
    ))


def _tidy(letter: str) -> str:
    return re.sub(r"\n{3,}", "\n\n", letter)


def _role(match: MatchResult) -> str:
    """The posting title without the company it may carry ("Accountant at PwC Ireland" -> "Accountant")."""
    title = match.posting.title
    cut = re.split(r"\s+(?:at|bei|chez|bij|@|-|–|—|\|)\s+", title, maxsplit=1)
    return cut[0] if len(cut) == 2 and len(cut[0]) >= 3 else title


def write_grounded_letter(profile: ProfileFacts, match: MatchResult, company_notes: str, *,
                          templates_dir: str | None = None, language: str | None = None) -> tuple[str, list[str]]:
    """The template letter, repaired when it can be: (letter or "", warnings saying what was dropped and why).

    Written in ``language`` when given (one of the six), else in the posting's language, else English;
    ``company_notes`` is passed through for custom templates. A sentence that claims what neither the profile
    nor the posting holds is dropped; a letter left with nothing is "" (never sent). A template that does not
    render is ``InvalidInput``.
    """
    letter = _letter(profile, match, company_notes, templates_dir, language)
    repaired, problems = repair_letter(letter, profile, match, company_notes)
    where = f"cover letter for {match.posting.title} at {match.posting.company}"
    if repaired is None:
        return "", [f"{where} states what the profile does not: {', '.join(problems)}; no letter written"]
    if problems:
        return repaired, [f"{where}: dropped sentences stating {', '.join(problems)}"]
    return letter, []
