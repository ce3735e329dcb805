"""The postings a run matched, best first, with the plain reasons each was kept."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy import select

from jobagent.actors import OPERATOR, Actor
from jobagent.config import Settings, get_settings
from jobagent.store.lookup import find_execution
from jobagent.store.models import Match
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
    reasons: list[str]
    posting_id: str
    has_cover_letter: bool


def list_matches(run_or_execution_id: str, *, settings: Settings | None = None,
                 actor: Actor = OPERATOR) -> list[MatchView]:
    """The matches of a job-search run (given by run or execution id), in rank order; the letters go with
    the run, so another owner's run is not found."""
    settings = settings or get_settings()
    ensure_schema(settings)
    with session_scope() as s:
        ex = find_execution(s, run_or_execution_id, actor=actor)
        matches = s.scalars(select(Match).where(Match.run_id == ex.run_id).order_by(Match.rank)).all()
        return [MatchView(
            rank=m.rank, score=round(m.score, 1), title=m.posting.title, company=m.posting.company,
            location=m.posting.location, remote=m.posting.remote, url=m.posting.url,
            salary_min=m.posting.salary_min, salary_max=m.posting.salary_max,
            salary_currency=m.posting.salary_currency, reasons=list(m.reasons), posting_id=m.posting_id,
            has_cover_letter=bool(m.cover_letter),
        ) for m in matches]
