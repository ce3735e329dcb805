"""The postings a run matched, best first, with the plain reasons each was kept."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from sqlalchemy import select

from jobagent.actors import OPERATOR, Actor
from jobagent.config import Settings, get_settings
from jobagent.postings.salary import stored_pay
from jobagent.store.lookup import find_execution
from jobagent.store.models import Match, Posting
from jobagent.store.session import session_scope
from jobagent.submission import ensure_schema

__all__ = ["MatchView", "list_matches"]


class MatchView(BaseModel):
    rank: int
    score: float  # 0-100, one decimal
    title: str
    company: str
    location: str | None
    remote: bool | None
    url: str | None
    salary_min: float | None
    salary_max: float | None
    salary_currency: str | None
    salary_period: str | None  # hour, day, week, month, year (salary.py); None when the source gave none
    salary_annual_min: float | None  # the figures in a year: what --min-salary compares
    salary_annual_max: float | None
    salary_text: str | None  # the source's own words; the only salary when no figure could be read
    reasons: list[str]
    posting_id: str
    has_cover_letter: bool
    # The score by component (issue 24 §7); the parts add up to the score (before clamping to 0..100).
    score_parts: dict[str, float] = {}


def _pay(p: Posting) -> dict[str, Any]:
    period, low, high = stored_pay(p.salary_min, p.salary_max, p.salary_currency, p.salary_interval,
                                   p.salary_annual_min, p.salary_annual_max)
    return {"salary_period": period, "salary_annual_min": low, "salary_annual_max": high,
            "salary_text": p.salary_text}


def list_matches(run_or_execution_id: str, *, settings: Settings | None = None,
                 actor: Actor = OPERATOR) -> list[MatchView]:
    """The matches of a job-search run (given by run or execution id), in rank order; the letters go with
    the run, so another owner's run is not found.

    :param run_or_execution_id: a job-search run, or one of its executions.

    Example::

        for m in list_matches(run_id):
            print(m.rank, m.score, m.title, m.company)
    """
    settings = settings or get_settings()
    ensure_schema(settings)
    with session_scope() as s:
        ex = find_execution(s, run_or_execution_id, actor=actor)
        matches = s.scalars(select(Match).where(Match.run_id == ex.run_id).order_by(Match.rank)).all()
        return [MatchView(
            rank=m.rank, score=round(m.score, 1), title=m.posting.title, company=m.posting.company,
            location=m.posting.location, remote=m.posting.remote, url=m.posting.url,
            salary_min=m.posting.salary_min, salary_max=m.posting.salary_max,
            salary_currency=m.posting.salary_currency, **_pay(m.posting), reasons=list(m.reasons),
            posting_id=m.posting_id, has_cover_letter=bool(m.cover_letter), score_parts=dict(m.score_parts or {}),
        ) for m in matches]
