"""Optional model-written cover letters through any OpenAI-compatible chat-completions endpoint.

The model only gets the facts the template letter may use, and its letter passes the same grounding check;
anything else (a claim the profile does not hold, an endpoint that is down or answers garbage) falls back
to the template letter, with one line saying why.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from jobagent.errors import InvalidInput
from jobagent.fetching import check_url
from jobagent.postings.letters import repair_letter, ungrounded_claims
from jobagent.postings.schema import MatchResult, ProfileFacts

_SYSTEM = ("You write short, plain cover letters. Use ONLY the facts given. Never invent employers, degrees, "
           "numbers, years, skills or achievements. If a fact is not listed, leave it out.")


@dataclass(frozen=True)
class LLMConfig:
    base_url: str
    model: str
    api_key: str | None = None
    timeout: float = 30.0
    allow_private: bool = False


def _facts(profile: ProfileFacts, match: MatchResult) -> str:
    p = match.posting
    lines = [f"Applicant: {profile.name} <{profile.email}>", f"Posting: {p.title} at {p.company}"
             + (f" in {p.location}" if p.location else "")]
    if profile.titles_held:
        lines.append("Titles held: " + ", ".join(profile.titles_held))
    if profile.years_experience:
        lines.append(f"Years of experience: {profile.years_experience}")
    if match.matched_skills:
        lines.append("Skills the applicant has that the posting asks for: " + ", ".join(match.matched_skills))
    if profile.location:
        lines.append(f"Applicant location: {profile.location}")
    # The structured CV entries (issue 13): the model may cite these employers, roles and bullets verbatim.
    for e in profile.experience[:6]:
        dates = f"{e.get('start') or '?'} to {e.get('end') or 'present'}"
        lines.append(f"Job: {e.get('title_as_written') or e.get('title')} at {e.get('employer')} ({dates})")
        lines.extend(f"  - {b}" for b in (e.get("bullets") or [])[:4])
    for d in profile.education:
        lines.append(f"Education: {d.get('degree')}, {d.get('institution')}")
    if profile.certifications:
        lines.append("Certifications: " + ", ".join(profile.certifications))
    return "\n".join(lines)


def llm_cover_letter(config: LLMConfig, profile: ProfileFacts, match: MatchResult,
                     fallback: str, language: str = "en") -> tuple[str, str | None]:
    """The model's letter (in ``language``, one of the six), or ``fallback`` and the reason it was not used."""
    from jobagent.languages import NAMES

    endpoint = f"{config.base_url.rstrip('/')}/chat/completions"
    try:
        check_url(endpoint, allow_private=config.allow_private)
        headers = {"Authorization": f"Bearer {config.api_key}"} if config.api_key else {}
        body = {"model": config.model, "temperature": 0.2, "messages": [
            {"role": "system", "content": _SYSTEM},
            {"role": "user", "content": f"Facts:\n{_facts(profile, match)}\n\n"
                                     f"Write the cover letter in {NAMES.get(language, 'english').title()}."}]}
        response = httpx.post(endpoint, json=body, headers=headers, timeout=config.timeout, follow_redirects=False)
        if response.status_code // 100 != 2:
            raise InvalidInput(f"HTTP {response.status_code}")
        letter = response.json()["choices"][0]["message"]["content"]
        if not isinstance(letter, str) or not letter.strip():
            raise InvalidInput("empty answer")
    except (InvalidInput, httpx.HTTPError, ValueError, KeyError, IndexError, TypeError) as exc:
        reason = str(exc) or exc.__class__.__name__
        return fallback, f"LLM endpoint {endpoint} failed ({reason}); used the template letter"
    problems = ungrounded_claims(letter, profile, match)
    if problems:
        # Repaired when the rest stands without the offending sentences (issue 13), else the template.
        repaired, _ = repair_letter(letter.strip() + "\n", profile, match)
        if repaired is not None:
            return repaired, f"LLM letter: dropped sentences stating {', '.join(problems)}"
        return fallback, f"LLM letter rejected: it states {', '.join(problems)}; used the template letter"
    return letter.strip() + "\n", None
