"""Which of the person's CV entries best prove what a posting asks for, and one true line on the company.

A requirement is named by the posting's own skills that a bullet of the CV shows; the bullet is quoted
as written (its numbers are the CV's), with the employer and the role it came from. Bullets with a
number (an achievement) rank above those without. Used by the template letter, the LLM facts and the
tailored CV.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jobagent.postings.phrases import Phrases
from jobagent.postings.schema import MatchResult, ProfileFacts

_MAX = 3
_WORD = re.compile(r"[^\W\d_][\w+#.-]{3,}")  # any script's letters: "prüfung" is one word, not "fung"
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
    """Content words of a bullet or a posting: function words of the other five languages ("und", "avec")
    no more make a German bullet look relevant than "with" does an English one."""
    other = _other_stopwords()
    found = {w.rstrip(".-") for w in _WORD.findall(text.lower())}  # "inbetriebnahme." is "inbetriebnahme"
    return {w for w in found if len(w) >= 4 and w not in _STOP and w not in other}


@lru_cache(maxsize=1)
def _other_stopwords() -> frozenset[str]:
    from jobagent.languages import SUPPORTED, stopwords

    return frozenset().union(*(stopwords(code) for code in SUPPORTED if code != "en"))


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


def company_fact(company: str, notes: str, phrases: Phrases | None = None) -> str | None:
    """One true sentence on the company from the research notes (its own words first), or None."""
    say = (phrases or Phrases(None)).say
    quoted = re.search(r'^- From a posting: "(.+)"$', notes, re.M)
    if quoted:
        return say("fact_quoted", quote=quoted.group(1))
    about = re.search(r"^- About \(from the source\): (.+)$", notes, re.M)
    if about:
        return say("fact_about", company=company, about=about.group(1).rstrip("."))
    industry = re.search(r"^- Industry: (.+)$", notes, re.M)
    if industry:
        return say("fact_industry", company=company, industry=industry.group(1).rstrip("."))
    roles = re.search(r"^- (\d+) open roles? at .+ among the postings found\.$", notes, re.M)
    if roles and int(roles.group(1)) > 1:
        return say("fact_roles", company=company, count=roles.group(1))
    places = re.search(r"^- Locations: (.+)\.$", notes, re.M)
    if places:
        return say("fact_places", company=company, places=places.group(1))
    return None


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


def cite(ev: Evidence, posting_text: str = "", phrases: Phrases | None = None) -> str:
    """The sentence that names a requirement and the entry that proves it, in the phrases' language.

    The bullet is quoted as written. In English a bullet that starts with a past-tense verb ("Cut scrap
    by 18% ...") is told in the first person with its words unchanged (the table has ``*_verb`` phrases
    only where the language's grammar allows that without changing the CV's words).
    """
    ph = phrases or Phrases(None)
    skills = ph.join([as_written(s, posting_text) for s in ev.requirement])
    parts = [ph.say("cite_role", title=ph.title(ev.role)) if ev.role else "",
             ph.say("cite_employer", employer=ev.employer) if ev.employer else ""]
    where = " ".join(x for x in parts if x)
    bullet = ev.bullet.strip().rstrip(".")
    first, _, rest = bullet.partition(" ")
    key = ("cite_skills" if skills else "cite_results") + ("_where" if where else "")
    if ph.has(f"{key}_verb") and _past_verb(first) and rest:
        return ph.say(f"{key}_verb", skills=skills, where=where, verb=first.lower(), rest=rest)
    return ph.say(key, skills=skills, where=where, bullet=bullet)


def current_role(profile: ProfileFacts) -> dict[str, Any] | None:
    jobs = [e for e in profile.experience if not e.get("internship") and e.get("title")]
    return max(jobs, key=lambda e: (bool(e.get("current")), e.get("end") or "9999", e.get("start") or "")) \
        if jobs else None
