"""Scores how well a posting fits a profile, with one plain reason per part of the score.

The score is a fixed weighted sum of simple, explainable signals rather than anything learned, so a user
reading the report can see exactly why one posting ranks above another and trust the order.
"""

from __future__ import annotations

import re
from functools import lru_cache

from jobagent.postings.relevance import normalized_relevance
from jobagent.postings.schema import MatchResult, PostingData, ProfileFacts
from jobagent.text import count_word, normalize, words

# Skills dominate: they are the strongest evidence a posting is actually doable for this person.
WEIGHT_SKILLS = 40.0
WEIGHT_TITLE = 25.0
WEIGHT_LOCATION = 15.0
WEIGHT_SENIORITY = 10.0
# Text relevance (BM25 of the search words over the whole description, relative to the best posting in
# the batch) catches postings whose title is generic but whose description is squarely on topic.
WEIGHT_RELEVANCE = 10.0

# Postings name a handful of skills, not a whole CV: matching this many counts as a full skills fit,
# so a profile with 20 skills is not punished for breadth.
_SKILLS_FOR_FULL_FIT = 6

_LEVEL_WORDS = {
    "intern": 0, "internship": 0, "praktikum": 0, "werkstudent": 0, "trainee": 0, "student": 0,
    "junior": 1, "jr": 1, "graduate": 1, "entry": 1,
    "senior": 3, "sr": 3,
    "lead": 4, "staff": 4, "principal": 4, "head": 4, "director": 4, "architect": 4,
}
_LEVEL_NAMES = {0: "intern", 1: "junior", 2: "mid", 3: "senior", 4: "lead"}
# Words that say nothing about the role itself ("(m/f/d)", "and", ...), and common synonyms folded together.
_TITLE_NOISE = {"m", "f", "d", "w", "x", "all", "genders", "gn", "and", "the", "of", "for", "in", "a", "an",
                "to"}
_TITLE_SYNONYMS = {"developer": "engineer", "dev": "engineer", "engineers": "engineer",
                   "developers": "engineer", "programmer": "engineer"}


def matched_skills(skills: list[str], text: str) -> list[str]:
    """Profile skills the text names, in the profile's order and spelling, each once.

    ``str.find`` jumps straight to candidates; a lookbehind regex per skill walked the whole description
    for every skill (see benchmarks/bench_matching.py).
    """
    lowered = text.lower()
    seen: set[str] = set()
    found: list[str] = []
    for skill in skills:
        key = skill.strip().lower()
        if not key or key in seen:
            continue
        seen.add(key)
        if count_word(lowered, key, stop_at=1):
            found.append(skill.strip())
    return found


@lru_cache(maxsize=8192)
def _title_tokens(title: str) -> frozenset[str]:
    """Role words only: seniority is scored on its own, so "Senior Backend Engineer" ≈ "Backend Engineer"."""
    joined = re.sub(r"\b(back|front|full)[\s-]+(end|stack)\b", r"\1\2", title.lower())
    tokens = {_TITLE_SYNONYMS.get(w, w) for w in words(joined)}
    return frozenset(t for t in tokens if t not in _TITLE_NOISE and t not in _LEVEL_WORDS)


def title_similarity(title: str, wanted: str) -> float:
    """Token Jaccard: cheap, symmetric and easy to explain as "share of words in common"."""
    a, b = _title_tokens(title), _title_tokens(wanted)
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def _city(location: str | None) -> str:
    return normalize((location or "").split(",")[0])


def same_city(a: str | None, b: str | None) -> bool:
    """City-level comparison on the part before the first comma ("Berlin" vs "Berlin, Germany")."""
    x, y = _city(a), _city(b)
    return bool(x and y) and (x == y or x in y.split() or y in x.split())


def _location_fit(posting: PostingData, location: str | None) -> tuple[float, str]:
    where = posting.location or "an unstated location"
    if posting.remote:
        from jobagent.postings.regions import remote_fits  # issue 12: remote elsewhere ranks below remote here

        if remote_fits(posting.location, location) is False:
            return 0.5, f"remote, but for {posting.location}; wanted {location}"
        if posting.location and "remote" not in posting.location.lower():
            return 1.0, f"remote posting (based in {posting.location})"
        return 1.0, f"remote posting: {posting.location}" if posting.location else "remote posting"
    if not location or not location.strip():
        return 1.0, f"in {where}; no location preference given"
    if not posting.location:
        return 0.5, f"location not stated; wanted {location}"
    if same_city(posting.location, location):
        return 1.0, f"in {posting.location}, matching {location}"
    country = posting.location.split(",")[-1].strip().lower()
    wanted_country = location.split(",")[-1].strip().lower()
    if "," in posting.location and "," in location and country == wanted_country:
        return 0.5, f"in {posting.location}: same country as {location}, different city"
    return 0.0, f"in {posting.location}, not {location} and not remote"


def title_level(title: str) -> int:
    """0 intern .. 4 lead; a title without a level word is read as mid-level (2)."""
    levels = [_LEVEL_WORDS[w] for w in words(title) if w in _LEVEL_WORDS]
    return max(levels) if levels else 2


def _level_range(years: int) -> tuple[int, int]:
    """Levels that fit a person; experienced people fit a band, since many apply one level down."""
    if years < 1:
        return 0, 1
    if years < 3:
        return 1, 2
    if years < 6:
        return 2, 3
    return 2, 4


def _seniority_fit(posting: PostingData, years: int | None) -> tuple[float, str]:
    level = title_level(posting.title)
    name = _LEVEL_NAMES[level]
    if years is None:
        return 0.5, f"{name}-level title; years of experience unknown"
    lo, hi = _level_range(years)
    distance = lo - level if level < lo else level - hi if level > hi else 0
    fit = max(0.0, 1.0 - 0.5 * distance)
    plural = "year" if years == 1 else "years"
    if distance == 0:
        return fit, f"{name}-level title fits {years} {plural} of experience"
    direction = "below" if level < lo else "above"
    return fit, f"{name}-level title is {direction} what {years} {plural} of experience suggests"


def score_posting(profile: ProfileFacts, posting: PostingData, *, query: str,
                  location: str | None, relevance: float = 0.0) -> MatchResult:
    """Weighted 0–100 score; each part adds a reason so the report can explain the ranking."""
    reasons: list[str] = []
    text = f"{posting.title}\n{posting.description}"
    skills = [s for s in profile.skills if s.strip()]
    found = matched_skills(skills, text)
    if skills:
        skills_fit = min(1.0, len(found) / min(len(skills), _SKILLS_FOR_FULL_FIT))
        if found:
            reasons.append(f"matches {len(found)} of {len(skills)} skills: {', '.join(found)}")
        else:
            reasons.append(f"mentions none of the {len(skills)} profile skills")
    else:
        skills_fit = 0.0
        reasons.append("profile lists no skills to compare")

    wanted = [t for t in [query, *profile.suggested_titles] if t and t.strip()]
    best_sim, best_title = 0.0, ""
    for candidate in wanted:
        sim = title_similarity(posting.title, candidate)
        if sim > best_sim:
            best_sim, best_title = sim, candidate
    if best_sim > 0:
        reasons.append(f'title "{posting.title}" is {best_sim:.0%} similar to "{best_title}"')
    else:
        reasons.append(f'title "{posting.title}" shares no words with the search or suggested titles')

    location_fit, location_reason = _location_fit(posting, location)
    reasons.append(location_reason)
    seniority_fit, seniority_reason = _seniority_fit(posting, profile.years_experience)
    reasons.append(seniority_reason)

    if relevance > 0:
        reasons.append(f"description relevance to the search: {relevance:.0%} of the best posting")
    score = (WEIGHT_SKILLS * skills_fit + WEIGHT_TITLE * best_sim + WEIGHT_LOCATION * location_fit
             + WEIGHT_SENIORITY * seniority_fit + WEIGHT_RELEVANCE * relevance)
    return MatchResult(posting=posting, score=round(min(100.0, max(0.0, score)), 1), reasons=reasons,
                       matched_skills=found)


def rank_postings(profile: ProfileFacts, postings: list[PostingData], *, query: str, location: str | None,
                  limit: int | None = None) -> list[MatchResult]:
    """Best first; ties broken by title (then company) so the same inputs always give the same report."""
    relevance = normalized_relevance([query], [f"{p.title}\n{p.description}" for p in postings])
    results = [score_posting(profile, p, query=query, location=location, relevance=r)
               for p, r in zip(postings, relevance, strict=True)]
    results.sort(key=lambda m: (-m.score, m.posting.title.lower(), m.posting.company.lower()))
    return results if limit is None else results[: max(0, limit)]
