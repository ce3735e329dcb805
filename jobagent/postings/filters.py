"""Hard filters that remove postings before scoring, with a count of what each rule removed.

Filters are deliberately separate from matching: a blocked company or an excluded title is a user's explicit
"never show me this", not a low score, so it must not be outweighed by a good skills fit. The per-reason
counts let the report say "12 hidden by your filters" instead of silently shrinking the list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta

from pydantic import BaseModel, Field, field_validator

from jobagent.postings.employment import fits_types, kind_name, posting_kinds
from jobagent.postings.schema import PostingData
from jobagent.text import has_word, normalize

REASON_COMPANY = "blocked company"
REASON_TITLE = "excluded title"
REASON_REMOTE = "not remote"
REASON_AGE = "too old"
REASON_SALARY = "salary below minimum"
REASON_TYPE = "not the employment type asked for"
# Fixed order: a posting failing several rules is counted once, under the first, so the counts add up to the
# number of postings removed.
REASONS = (REASON_COMPANY, REASON_TITLE, REASON_REMOTE, REASON_AGE, REASON_SALARY, REASON_TYPE)

# Legal-form words that differ between boards for the same employer ("Acme GmbH" vs "ACME").
_LEGAL_SUFFIXES = {"gmbh", "inc", "ltd", "ag", "llc", "limited", "incorporated", "corp", "corporation", "plc",
                   "co", "kg", "mbh"}


def normalize_company(name: str) -> str:
    """Lowercased words with trailing legal forms removed, so a blocklist entry catches every spelling."""
    words = normalize(name).split()
    # Stop before emptying the name: a company literally called "AG" must still be blockable.
    while len(words) > 1 and words[-1] in _LEGAL_SUFFIXES:
        words.pop()
    return " ".join(words)


def _union(first: Iterable[str], second: Iterable[str]) -> list[str]:
    """Order-preserving union; case-insensitive so merging "Acme" and "acme" does not list it twice."""
    seen: set[str] = set()
    out: list[str] = []
    for item in [*first, *second]:
        key = " ".join(item.lower().split())
        if key and key not in seen:
            seen.add(key)
            out.append(item.strip())
    return out


def _stricter(a: float | None, b: float | None, pick: Callable[[float, float], float]) -> float | None:
    """An unset limit on one side must not cancel the other side's limit."""
    if a is None:
        return b
    if b is None:
        return a
    return pick(a, b)


class PostingFilters(BaseModel):
    company_blocklist: list[str] = Field(default_factory=list)
    title_exclusions: list[str] = Field(default_factory=list)
    remote_only: bool = False
    max_age_days: int | None = Field(default=None, ge=0)
    min_salary: float | None = Field(default=None, ge=0)
    # Issue 24 §4: kinds from postings/employment.py ("apprenticeship", "part_time"); also what lets a trainee
    # post through to someone above entry level (postings/matching.py ``screen``).
    employment_types: list[str] = Field(default_factory=list)

    @field_validator("employment_types")
    @classmethod
    def _known_types(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(kind_name(v) for v in value if v.strip()))

    def merged(self, other: PostingFilters) -> PostingFilters:
        """Profile filters plus one search's filters: a search may tighten the user's standing rules but can
        never loosen them, so every rule from either side still applies."""
        max_age = _stricter(self.max_age_days, other.max_age_days, min)
        return PostingFilters(
            company_blocklist=_union(self.company_blocklist, other.company_blocklist),
            title_exclusions=_union(self.title_exclusions, other.title_exclusions),
            remote_only=self.remote_only or other.remote_only,
            max_age_days=None if max_age is None else int(max_age),
            min_salary=_stricter(self.min_salary, other.min_salary, max),
            # What this search asks for replaces the standing ask: a type says what to look for, not what
            # never to show, and an intersection of two different asks would show nothing at all.
            employment_types=other.employment_types or self.employment_types,
        )


def _aware(when: datetime) -> datetime:
    # Feeds give date-only values as naive datetimes; reading them as UTC is off by hours at most, which
    # does not matter for an age measured in days and avoids a naive/aware comparison error.
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def _best_offer(posting: PostingData) -> float | None:
    """The top of the range in a year: a range that reaches the user's minimum is still worth applying to,
    and 4,000 a month is 48,000 a year, not 4,000. Pay without a yearly figure (no period, small figures)
    counts as not stated."""
    if posting.salary_annual_max is not None:
        return posting.salary_annual_max
    return posting.salary_annual_min


def apply_filters(postings: list[PostingData], filters: PostingFilters, *,
                  now: datetime | None = None) -> tuple[list[PostingData], dict[str, int]]:
    """Kept postings in their original order, and how many each rule dropped (every reason present, zero or not,
    so the report can list them without guessing keys).

    Missing data never drops a posting: most adverts state no salary and many no date, so treating absence as
    failure would hide the bulk of the market; a posting without a salary is kept by ``min_salary`` and one
    without a date by ``max_age_days``. Salaries are compared by the year (``salary_annual_*``), but the
    currency is not converted, so ``min_salary`` is assumed to be in the currency the user's postings use.
    """
    counts = dict.fromkeys(REASONS, 0)
    blocked = {normalize_company(c) for c in filters.company_blocklist}
    blocked.discard("")
    # Whole words, so "C++" or "Sr." exclude as written and "Lead" spares "Leader"; any white space between
    # words, so "Team  Lead" still excludes "Team Lead".
    excluded = [t for t in filters.title_exclusions if t.split()]
    cutoff = None
    if filters.max_age_days is not None:
        cutoff = _aware(now or datetime.now(UTC)) - timedelta(days=filters.max_age_days)

    kept: list[PostingData] = []
    for posting in postings:
        reason = None
        if blocked and normalize_company(posting.company) in blocked:
            reason = REASON_COMPANY
        elif any(has_word(posting.title, t) for t in excluded):
            reason = REASON_TITLE
        elif filters.remote_only and not posting.remote:
            reason = REASON_REMOTE
        elif cutoff is not None and posting.posted_at is not None and _aware(posting.posted_at) < cutoff:
            reason = REASON_AGE
        elif filters.min_salary is not None:
            offer = _best_offer(posting)
            if offer is not None and offer < filters.min_salary:
                reason = REASON_SALARY
        if reason is None and filters.employment_types and not fits_types(posting_kinds(posting),
                                                                          filters.employment_types):
            reason = REASON_TYPE
        if reason is None:
            kept.append(posting)
        else:
            counts[reason] += 1
    return kept, counts
