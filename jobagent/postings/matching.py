"""Scores how well a posting fits a profile, with one plain reason per part of the score.

The score is a fixed weighted sum of simple, explainable signals rather than anything learned, so a user
reading the report can see exactly why one posting ranks above another and trust the order.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import lru_cache

from jobagent.compounds import split
from jobagent.languages import SUPPORTED, stem
from jobagent.postings.employment import TRAINEE_KINDS, posting_kinds, trainee_title
from jobagent.postings.explain import posting_facts, relocation, split_score
from jobagent.postings.language_fit import missing_languages
from jobagent.postings.location_fit import RADIUS_KM, location_fit, same_city
from jobagent.postings.relevance import normalized_relevance
from jobagent.postings.schema import MatchResult, PostingData, ProfileFacts
from jobagent.text import count_word, words

__all__ = ["rank_postings", "same_city", "score_posting", "screen", "title_similarity"]

# The weights, in one place. Each says what the relevance bench (benchmarks/bench_relevance.py, 16 personas in
# six languages) showed when it was set; judge any change there, never on a handful of fixtures.
# Skills dominate: they are the strongest evidence a posting is actually doable for this person.
WEIGHT_SKILLS = 40.0
# Title: containment of the wanted title's words (stems in any of the six languages), so "Teacher of
# Mathematics (MPS/UPS)" fits "Mathematics Teacher" (0.88) instead of 0.50 under plain Jaccard.
WEIGHT_TITLE = 25.0
# Place: resolved with the gazetteer; distance, region and country each step down (postings/location_fit.py).
WEIGHT_LOCATION = 15.0
WEIGHT_SENIORITY = 10.0
# Text relevance (BM25 of the search words over the whole description, relative to the best posting in
# the batch) catches postings whose title is generic but whose description is squarely on topic.
WEIGHT_RELEVANCE = 10.0
# A level two or more steps from the person's (a "Head of" post for a mid-level teacher) loses this much on
# top of its seniority fit: without it the bench's wrong-level decoys ranked second, above two right postings.
LEVEL_GAP_PENALTY = 15.0
# On-site work in another country keeps this share of its score, so it never outranks a fitting local one
# (the bench's far-away decoys) unless the person says they will relocate.
ABROAD_FACTOR = 0.4
# A posting that requires a language the profile does not list (postings/language_fit.py) loses this much: as
# much as a two-level gap, so a fitting posting in a language the person speaks ranks first. The bench's
# personas list their languages and its postings state none, so it leaves the bench figures unchanged.
LANGUAGE_GAP_PENALTY = 15.0
# Below this a candidate is no match worth showing (no skill, title or place in common): it is counted in
# filtered_out as "below the score floor" and why-not names it, rather than padding the list.
SCORE_FLOOR = 10.0

# Postings name a handful of skills, not a whole CV: matching this many counts as a full skills fit,
# so a profile with 20 skills is not punished for breadth.
_SKILLS_FOR_FULL_FIT = 6

_LEVEL_WORDS = {
    "trainee": 0, "student": 0,
    "junior": 1, "jr": 1, "graduate": 1, "entry": 1,
    "senior": 3, "sr": 3,
    "lead": 4, "staff": 4, "principal": 4, "head": 4, "director": 4, "architect": 4,
}
_LEVEL_NAMES = {0: "intern", 1: "junior", 2: "mid", 3: "senior", 4: "lead"}
# Words that say nothing about the role itself ("(m/f/d)", "and", ...), and common synonyms folded together.
_TITLE_NOISE = {"m", "f", "d", "w", "x", "h", "mwd", "mfd", "hf", "fh", "all", "genders", "gn", "and", "the",
                "of", "for", "in", "a", "an", "to", "o"}  # "(m/w/d)", "(H/F)", "enfermero/a", "médico/o"
_TITLE_SYNONYMS = {"developer": "engineer", "dev": "engineer", "engineers": "engineer",
                   "developers": "engineer", "programmer": "engineer"}


_WORDS = re.compile(r"[^\W_]+")  # a text's words as skill_forms() keys its forms ("stocks," is "stocks")


def matched_skills(skills: list[str], text: str) -> list[str]:
    """Profile skills the text names, in the profile's order and spelling, each once.

    ``str.find`` jumps straight to candidates; a lookbehind regex per skill walked the whole description
    for every skill (see benchmarks/bench_matching.py).
    """
    lowered = text.lower()
    seen: set[str] = set()
    found: list[str] = []
    present: set[str] | None = None  # the text's words, once a skill is not found under its own name
    for skill in skills:
        key = skill.strip().lower()
        if not key or key in seen:
            continue
        seen.add(key)
        if count_word(lowered, key, stop_at=1):
            found.append(skill.strip())
            continue
        if present is None:
            present = set(_WORDS.findall(lowered))
        if _named_otherwise(skill, text, lowered, present):
            found.append(skill.strip())
    return found


def _named_otherwise(skill: str, text: str, lowered: str, present: set[str]) -> bool:
    """The skill under another of its names: the profile holds canonical (English) skill names, and a
    French posting writes "Inventory Management" as "gestion des stocks", "Food Safety" as "HACCP"
    (jobagent/data/skills.tsv and skills_translations.tsv). Forms are grouped by their first word, and
    only the groups whose word is among the text's words (``present``) are searched for."""
    from jobagent.cv.vocabulary import skill_forms

    folded, exact = skill_forms(skill.strip())
    return (any(count_word(lowered, f, stop_at=1) for first in present.intersection(folded) for f in folded[first])
            or any(count_word(text, f, stop_at=1) for first in present.intersection(exact) for f in exact[first]))


@lru_cache(maxsize=8192)
def _title_tokens(title: str) -> frozenset[str]:
    """Role words only: seniority is scored on its own, so "Senior Backend Engineer" ≈ "Backend Engineer".
    A compound counts as its parts, so "Mathematiklehrer" and "Lehrer für Mathematik" hold the same words."""
    joined = re.sub(r"\b(back|front|full)[\s-]+(end|stack)\b", r"\1\2", title.lower())
    tokens = {_TITLE_SYNONYMS.get(w, w) for word in words(joined) for w in (split(word) or (word,))}
    return frozenset(t for t in tokens if t not in _TITLE_NOISE and t not in _LEVEL_WORDS)


@lru_cache(maxsize=16384)
def _stems(word: str) -> tuple[str, ...]:
    """A word's stems in the six languages, in ``SUPPORTED`` order."""
    if len(word) <= 3 or not word.isalpha():
        return (word,) * len(SUPPORTED)
    return tuple(stem(word, code) for code in SUPPORTED)


def _meet(a: str, b: str) -> bool:
    """Two words meet when they are equal or share a stem in the same language, so "Lehrerin" meets "Lehrer"
    (German) and "enfermera" meets "enfermero" (Spanish) whichever language the title is in, while "Backend"
    (Dutch stem "back") does not meet "Bäcker" (German stem "back")."""
    return a == b or any(x == y for x, y in zip(_stems(a), _stems(b), strict=True))


def title_similarity(title: str, wanted: str) -> float:
    """Mostly containment (how many of the wanted title's words the posting's title holds), partly Jaccard, so
    "Teacher of Mathematics (MPS/UPS)" fits "Mathematics Teacher" while extra words still cost a little."""
    a, b = _title_tokens(title), _title_tokens(wanted)
    if not a or not b:
        return 0.0
    met = sum(1 for w in b if any(_meet(w, x) for x in a))
    if not met:
        return 0.0
    return 0.75 * met / len(b) + 0.25 * met / (len(a) + len(b) - met)


def title_level(title: str, language: str | None = None) -> int:
    """0 intern .. 4 lead; a title without a level word is read as mid-level (2)."""
    if trainee_title(title, language):
        return 0
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


def _person_levels(years: int | None, query: str) -> tuple[int, int, str]:
    """The levels that fit the person, and what they were read from: their years when the profile knows them,
    else the level the search itself names (a plain "Mathematics Teacher" search is a mid-level search)."""
    if years is not None:
        lo, hi = _level_range(years)
        return lo, hi, f"{years} {'year' if years == 1 else 'years'} of experience"
    level = title_level(query)
    return level, level, f'the search "{query}"'


def _seniority_fit(posting: PostingData, years: int | None, query: str) -> tuple[float, int, str]:
    """(fit, levels away, reason)."""
    level = title_level(posting.title, posting.language)
    name = _LEVEL_NAMES[level]
    lo, hi, basis = _person_levels(years, query)
    distance = lo - level if level < lo else level - hi if level > hi else 0
    fit = max(0.0, 1.0 - 0.5 * distance)
    if distance == 0:
        return fit, 0, f"{name}-level title fits {basis}"
    direction = "below" if level < lo else "above"
    steps = " (two or more levels away)" if distance >= 2 else ""
    return fit, distance, f"{name}-level title is {direction} what {basis} suggests{steps}"


def is_trainee(posting: PostingData) -> bool:
    """An apprenticeship, internship or working-student post, as postings/employment.py read it."""
    return bool(TRAINEE_KINDS & posting_kinds(posting))


def screen(profile: ProfileFacts, postings: list[PostingData], *, query: str, location: str | None,
           wanted_types: Collection[str] = ()) -> tuple[list[PostingData], dict[str, int]]:
    """The candidates that are matches at all, and how many were not, by reason (for ``filtered_out``):
    remote work closed to the person's country, and trainee posts for someone above entry level who did
    not search for one (by its title, or by asking for that employment type: ``--type apprenticeship``)."""
    wanted_trainee = bool(TRAINEE_KINDS & set(wanted_types)) or any(
        trainee_title(t) for t in [query, *profile.suggested_titles])
    lo, _, _ = _person_levels(profile.years_experience, query)
    kept: list[PostingData] = []
    dropped: dict[str, int] = {}
    for posting in postings:
        reason = location_fit(posting, location).exclude
        if reason is None and not wanted_trainee and lo >= 2 and is_trainee(posting):
            reason = "apprenticeship, internship or working-student post; the person is above entry level"
        if reason:
            dropped[reason] = dropped.get(reason, 0) + 1
        else:
            kept.append(posting)
    return kept, dropped


def score_posting(profile: ProfileFacts, posting: PostingData, *, query: str,
                  location: str | None, relevance: float = 0.0, radius_km: float = RADIUS_KM) -> MatchResult:
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

    place = location_fit(posting, location, radius_km=radius_km, relocate_to=relocation(profile))
    reasons.append(place.reason)
    seniority_fit, levels_away, seniority_reason = _seniority_fit(posting, profile.years_experience, query)
    reasons.append(seniority_reason)

    missing = missing_languages(text, profile.languages)
    if missing:
        reasons.append(f"asks for {' and '.join(missing)}, which the profile does not list")
    if relevance > 0:
        reasons.append(f"description relevance to the search: {relevance:.0%} of the best posting")
    reasons.extend(posting_facts(posting))
    score = (WEIGHT_SKILLS * skills_fit + WEIGHT_TITLE * best_sim + WEIGHT_LOCATION * place.fit
             + WEIGHT_SENIORITY * seniority_fit + WEIGHT_RELEVANCE * relevance)
    if levels_away >= 2:
        score -= LEVEL_GAP_PENALTY
    if missing:
        score -= LANGUAGE_GAP_PENALTY
    if place.abroad:
        score *= ABROAD_FACTOR
    parts = split_score({"skills": WEIGHT_SKILLS * skills_fit, "title": WEIGHT_TITLE * best_sim,
                         "place": WEIGHT_LOCATION * place.fit, "level": WEIGHT_SENIORITY * seniority_fit,
                         "relevance": WEIGHT_RELEVANCE * relevance},
                        penalties={"level_gap": LEVEL_GAP_PENALTY if levels_away >= 2 else 0.0,
                                   "language_gap": LANGUAGE_GAP_PENALTY if missing else 0.0},
                        factor=ABROAD_FACTOR if place.abroad else 1.0)
    return MatchResult(posting=posting, score=round(min(100.0, max(0.0, score)), 1), reasons=reasons,
                       matched_skills=found, score_parts=parts)


def rank_postings(profile: ProfileFacts, postings: list[PostingData], *, query: str, location: str | None,
                  limit: int | None = None, radius_km: float = RADIUS_KM) -> list[MatchResult]:
    """Best first; ties broken by title (then company) so the same inputs always give the same report."""
    relevance = normalized_relevance([query], [f"{p.title}\n{p.description}" for p in postings])
    results = [score_posting(profile, p, query=query, location=location, relevance=r, radius_km=radius_km)
               for p, r in zip(postings, relevance, strict=True)]
    results.sort(key=lambda m: (-m.score, m.posting.title.lower(), m.posting.company.lower()))
    return results if limit is None else results[: max(0, limit)]
