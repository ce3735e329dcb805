"""Which of the person's CV entries best prove what a posting asks for, and one true line on the company.

A requirement is named by the posting's own skills that a bullet of the CV shows; the bullet is quoted
as written (its numbers are the CV's), with the employer and the role it came from. Bullets with a
number (an achievement) rank above those without. Used by the template letter, the LLM facts and the
tailored CV.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from jobagent.postings.schema import MatchResult, ProfileFacts

_MAX = 3
_WORD = re.compile(r"[a-z][a-z+#.-]{3,}")
_STOP = {"with", "that", "this", "from", "have", "will", "your", "into", "over", "their", "team", "work", "years",
         "experience", "using", "across", "role", "about", "they", "them", "were", "been", "also"}


@dataclass(frozen=True)
class Evidence:
    requirement: list[str]  # the posting's skills this bullet shows
    employer: str | None
    role: str | None
    bullet: str
    score: float


def posting_skills(match: MatchResult) -> list[str]:
    from jobagent.cv.vocabulary import find_skills

    p = match.posting
    return find_skills(f"{p.title}\n{p.description}")


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP}


def score_bullet(bullet: str, wanted: set[str], posting_words: set[str]) -> tuple[float, list[str]]:
    from jobagent.cv.vocabulary import find_skills

    shown = [s for s in find_skills(bullet) if s in wanted]
    overlap = len(_words(bullet) & posting_words)
    return 3.0 * len(shown) + 0.5 * overlap + (1.0 if re.search(r"\d", bullet) else 0.0), shown


def best_evidence(profile: ProfileFacts, match: MatchResult, *, limit: int = _MAX) -> list[Evidence]:
    wanted = set(posting_skills(match)) | set(match.matched_skills)
    posting_words = _words(f"{match.posting.title} {match.posting.description}")
    found: list[Evidence] = []
    for entry in profile.experience:
        for bullet in entry.get("bullets") or []:
            score, shown = score_bullet(bullet, wanted, posting_words)
            if shown:
                found.append(Evidence(shown, entry.get("employer"), entry.get("title_as_written") or
                                      entry.get("title"), bullet, score))
    found.sort(key=lambda e: -e.score)
    chosen: list[Evidence] = []
    named: set[str] = set()
    for ev in found:
        fresh = [s for s in ev.requirement if s not in named]
        if not fresh:
            continue
        chosen.append(Evidence(fresh, ev.employer, ev.role, ev.bullet, ev.score))
        named.update(fresh)
        if len(chosen) >= limit:
            break
    if len(chosen) < 2:
        # Too few requirements are named in the bullets: add the most recent achievements (a bullet with a
        # number), so the letter still shows what the person did rather than a list of skills.
        used = {ev.bullet for ev in chosen}
        for entry in profile.experience:
            for bullet in entry.get("bullets") or []:
                if bullet not in used and re.search(r"\d", bullet) and len(chosen) < 2:
                    chosen.append(Evidence([], entry.get("employer"), entry.get("title_as_written") or
                                           entry.get("title"), bullet, 0.0))
                    used.add(bullet)
    return chosen


def company_fact(company: str, notes: str) -> str | None:
    """One true sentence on the company from the research notes (its own words first), or None."""
    quoted = re.search(r'^- From a posting: "(.+)"$', notes, re.M)
    if quoted:
        return f'Your own description caught my eye: "{quoted.group(1)}"'
    about = re.search(r"^- About \(from the source\): (.+)$", notes, re.M)
    if about:
        return f'I read that {company} describes itself as follows: "{about.group(1).rstrip(".")}."'
    industry = re.search(r"^- Industry: (.+)$", notes, re.M)
    if industry:
        return f"{company}'s work in {industry.group(1).rstrip('.')} is the kind of setting I do my best work in."
    roles = re.search(r"^- (\d+) open roles? at .+ among the postings found\.$", notes, re.M)
    if roles and int(roles.group(1)) > 1:
        return f"I also see that {company} is hiring for {roles.group(1)} roles, which tells me the team is growing."
    places = re.search(r"^- Locations: (.+)\.$", notes, re.M)
    if places:
        return f"I see that {company} is hiring in {places.group(1)}."
    return None


def article(phrase: str) -> str:
    """ "an accountant", "a senior nurse", "an ICU nurse" (by sound of the first letter, acronyms spelled)."""
    first = phrase.split()[0] if phrase.split() else ""
    vowel = first[:1].lower() in "aeio" or (first.isupper() and first[:1] in "AEFHILMNORSX")
    if first.lower().startswith(("uni", "use", "eu")):
        vowel = False
    return f"{'an' if vowel else 'a'} {phrase}"


def lower_title(title: str) -> str:
    """Common-noun form for running text: "Senior Accountant" → "senior accountant", "ICU Nurse" → "ICU nurse"."""
    return " ".join(w if w.isupper() or any(c.isdigit() for c in w) else w.lower() for w in title.split())


_IRREGULAR = {"led", "built", "ran", "cut", "grew", "wrote", "drove", "won", "made", "took", "set", "kept", "met",
              "brought", "taught", "sold", "held", "began", "oversaw", "rebuilt", "shipped", "spent", "found",
              "gave", "put", "rewrote", "broke", "chose", "did", "got", "saw", "split", "upheld", "undertook"}


def _past_verb(word: str) -> bool:
    w = word.lower()
    return w in _IRREGULAR or (w.endswith("ed") and len(w) > 4 and w not in ("need", "speed", "seed", "breed"))


def as_written(skill: str, text: str) -> str:
    """The posting's own spelling of a skill ("bank reconciliations", "SPC"), else the canonical name."""
    from jobagent.cv.vocabulary import skill_index

    for value, start, end in skill_index().scan(text):
        if value == skill:
            return text[start:end]
    return skill


def cite(ev: Evidence, posting_text: str = "") -> str:
    """The sentence that names a requirement and the entry that proves it.

    A bullet that starts with a past-tense verb ("Cut scrap by 18% ...") is told in the first person
    with its words unchanged; any other bullet is quoted as written.
    """
    skills = _join([as_written(s, posting_text) for s in ev.requirement])
    role = f"as {article(lower_title(ev.role))}" if ev.role else ""
    where = " ".join(x for x in (role, f"at {ev.employer}" if ev.employer else "") if x)
    bullet = ev.bullet.strip().rstrip(".")
    first, _, rest = bullet.partition(" ")
    if skills:
        lead = f"On {skills}: {where}, " if where else f"On {skills}: "
    else:
        lead = f"Among my results {where}: " if where else "Among my results: "
        lead = lead[0].upper() + lead[1:]
    if _past_verb(first) and rest:
        return f"{lead}I {first.lower()} {rest}."
    return f'{lead}my work included "{bullet}".' if skills else f'{lead}"{bullet}".'


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def current_role(profile: ProfileFacts) -> dict[str, Any] | None:
    jobs = [e for e in profile.experience if not e.get("internship") and e.get("title")]
    return max(jobs, key=lambda e: (bool(e.get("current")), e.get("end") or "9999", e.get("start") or "")) \
        if jobs else None
