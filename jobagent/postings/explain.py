"""The parts of a match's explanation that are facts about the posting rather than fits (issue 24 §7):
its type, whether it is still open, and its pay, each only where the source states it; plus the score
split into its components, so a user (and ``matches --json``) can see which part lifted or sank a posting.

Kept apart from ``matching`` so the weights module stays about scoring, and so the wording of a fact is
decided once for the terminal, the report and the JSON alike.
"""

from __future__ import annotations

from datetime import UTC, datetime

from jobagent.postings.location_fit import ANYWHERE
from jobagent.postings.schema import PostingData, ProfileFacts
from jobagent.text import salary_text


def relocation(profile: ProfileFacts) -> frozenset[str] | None:
    """The countries the person will move to for work: ``ANYWHERE`` when they said so without a list,
    None when they will not move (then on-site work abroad is discounted)."""
    if not profile.relocate:
        return None
    countries = frozenset(c.strip().upper() for c in profile.relocate_to if c.strip())
    return countries or ANYWHERE


def _aware(when: datetime) -> datetime:
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def _money(low: float | None, high: float | None) -> str:
    figures = [f"{v:,.0f}" for v in (low, high) if v is not None]
    return "–".join(dict.fromkeys(figures))


def posting_facts(posting: PostingData, *, now: datetime | None = None) -> list[str]:
    """Type, liveness and pay as reasons; nothing for what the posting does not say."""
    facts: list[str] = []
    if posting.employment_type and posting.employment_type.strip():
        facts.append(f"type: {posting.employment_type.strip().lower().replace('_', '-')}")
    today = _aware(now or datetime.now(UTC))
    if posting.closed_reason:
        facts.append(f"closed: {posting.closed_reason}")
    elif posting.valid_through is not None:
        until = _aware(posting.valid_through)
        state = "open until" if until >= today else "closing date passed on"
        facts.append(f"{state} {until.date().isoformat()}")
    if posting.posted_at is not None:
        days = max(0, (today - _aware(posting.posted_at)).days)
        facts.append(f"posted {days} {'day' if days == 1 else 'days'} ago")
    stated = salary_text(posting.salary_min, posting.salary_max, posting.salary_currency, posting.salary_interval)
    if stated:  # as the posting gives it, with the yearly figure --min-salary compares when the period is not a year
        currency = f" {posting.salary_currency}" if posting.salary_currency else ""
        yearly = _money(posting.salary_annual_min, posting.salary_annual_max)
        about = f" (about {yearly}{currency} a year)" if yearly and posting.salary_interval not in (None, "year") \
            else ""
        facts.append(f"pay {stated}{about}")
    elif posting.salary_annual_min is not None or posting.salary_annual_max is not None:
        currency = f" {posting.salary_currency}" if posting.salary_currency else ""
        facts.append(f"pay {_money(posting.salary_annual_min, posting.salary_annual_max)}{currency} a year")
    elif posting.salary_text and posting.salary_text.strip():
        facts.append(f"pay as stated: {posting.salary_text.strip()[:80]}")
    return facts


def split_score(parts: dict[str, float], *, penalties: dict[str, float], factor: float) -> dict[str, float]:
    """The weighted parts, then the penalties (level gap, language gap) and the abroad discount as negative
    parts, so the parts add up to the unclamped score (each rounded to one decimal)."""
    out = dict(parts)
    total = sum(parts.values())
    for name, penalty in penalties.items():
        if penalty:
            out[name] = -penalty
            total -= penalty
    if factor != 1.0:
        out["abroad"] = -(total * (1.0 - factor))
    return {name: round(value, 1) for name, value in out.items()}
