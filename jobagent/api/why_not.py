"""Why a posting is not among a run's matches (issue 24 §2), read from what the run recorded when it matched.

The run's context keeps one fate record per candidate (``postings.why_not``); this module looks the posting
up there, and for a posting that was no candidate asks the store what it can tell (closed, harvested later,
another source). Nothing is recomputed, so the answer describes the run as it happened.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from jobagent.config import Settings, get_settings
from jobagent.errors import InvalidInput, NotFound
from jobagent.store.lookup import find_execution, resolve_prefix
from jobagent.store.models import Posting
from jobagent.store.session import session_scope
from jobagent.submission import ensure_schema

__all__ = ["WhyNotView", "why_not"]


class WhyNotView(BaseModel):
    run_id: str
    posting_id: str
    title: str
    company: str
    # filtered | screened | on_board | below_floor | below_top | shown | not_a_candidate
    fate: str
    reason: str
    score: float | None = None
    score_parts: dict[str, float] = {}
    position: int | None = None  # among the run's scored candidates, best first


def why_not(run_or_execution_id: str, posting_id: str, *, settings: Settings | None = None) -> WhyNotView:
    """The fate of one posting in one job-search run, with its score components when it was scored."""
    from jobagent.postings.why_not import explain

    settings = settings or get_settings()
    ensure_schema(settings)
    posting_id = posting_id.strip()
    if not posting_id:
        raise InvalidInput("posting_id is required")
    with session_scope() as s:
        ex = find_execution(s, run_or_execution_id)
        if ex.workflow_type != "job_search":
            raise InvalidInput(f"run {ex.run_id} is a {ex.workflow_type} run, not a job search")
        if ex.status != "completed":
            raise InvalidInput(f"run {ex.run_id} is {ex.status}; why-not needs a completed job search")
        posting = s.get(Posting, resolve_prefix(s, Posting.id, posting_id, "posting") or posting_id)
        if posting is None:
            raise NotFound(f"posting {posting_id} not found")
        ctx: dict[str, Any] = dict(ex.context_snapshot or {})
        if "candidate_fates" not in ctx:
            raise InvalidInput(f"run {ex.run_id} kept no record of its candidates (it ran before why-not "
                               "existed, or its profile was deleted)")
        posting_id = posting.id
        answer = explain(posting_id, list(ctx.get("candidate_fates") or []), query=str(ctx.get("query") or ""),
                         run_started=ex.started_at, run_ended=ex.completed_at, first_seen=posting.first_seen_at,
                         closed_reason=posting.closed_reason, closed_at=posting.closed_at,
                         searched_sources=list(ctx.get("sources") or []), source=posting.source)
        return WhyNotView(run_id=ex.run_id, title=posting.title, company=posting.company, **answer)
