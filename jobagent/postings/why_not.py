"""Why a posting a user expected is not among a run's matches (issue 24 §2): never dropped without a word.

Every candidate the search looked at leaves one *fate* record in the run: filtered (the user's own rules),
screened (not a match at all: remote closed to the person's country, a trainee post, ...), already on the
board, below the score floor, ranked below the top N, or shown. The records are written when the run
matches, not recomputed later, because a later answer would read a different store: postings close, new
ones arrive, the profile is edited, and the batch-relative text relevance changes with the batch. A
candidate list is bounded by the search (``search_candidates``, 300 by default), and each record is a few
numbers, so the run keeps them all (up to ``MAX_FATES``).

A posting with no record was not a candidate: the full-text index did not return it for the query, it was
closed, or it arrived after the run; ``explain`` says which the store can tell.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from jobagent.postings.schema import MatchResult, PostingData

__all__ = ["FATES", "MAX_FATES", "REASON_FLOOR", "explain", "record_fates", "reasons_one_by_one"]

MAX_FATES = 1000
REASON_FLOOR = "below the score floor"
FILTERED, SCREENED, ON_BOARD, BELOW_FLOOR, BELOW_TOP, SHOWN = (
    "filtered", "screened", "on_board", "below_floor", "below_top", "shown")
FATES = (FILTERED, SCREENED, ON_BOARD, BELOW_FLOOR, BELOW_TOP, SHOWN)
NOT_CANDIDATE = "not_a_candidate"

Stage = Callable[[list[PostingData]], tuple[list[PostingData], dict[str, int]]]


def reasons_one_by_one(before: Sequence[PostingData], after: Sequence[PostingData], stage: Stage) -> dict[int, str]:
    """The reason for each posting in ``before`` that the stage did not pass to ``after``, by running the same
    stage on it alone: filters and screening judge one posting at a time, so this names exactly the rule
    that dropped it in the batch."""
    passed = {id(p) for p in after}
    out: dict[int, str] = {}
    for posting in (p for p in before if id(p) not in passed):
        _, counts = stage([posting])
        out[id(posting)] = next((reason for reason, n in counts.items() if n), "dropped")
    return out


def record_fates(ids: dict[int, str], *, filtered: dict[int, str], screened: dict[int, str],
                 on_board: Sequence[str], on_board_reason: str, ranked: Sequence[MatchResult],
                 floor: float, shown: int) -> list[dict[str, Any]]:
    """One record per candidate (posting id, fate, reason, and for scored ones the score, its parts and
    the position among all scored candidates). ``ids`` maps ``id(PostingData)`` to the posting's row id."""
    out: list[dict[str, Any]] = [{"posting_id": pid, "fate": ON_BOARD, "reason": on_board_reason}
                                 for pid in on_board]
    for fate, reasons in ((FILTERED, filtered), (SCREENED, screened)):
        out += [{"posting_id": ids[key], "fate": fate, "reason": reason} for key, reason in reasons.items()]
    kept = 0
    for position, m in enumerate(ranked, start=1):
        if m.score < floor:
            fate, reason = BELOW_FLOOR, f"{REASON_FLOOR} ({m.score:.1f} < {floor:.0f})"
        elif kept < shown:
            kept += 1
            fate, reason = SHOWN, f"shown at rank {kept}"
        else:
            fate, reason = BELOW_TOP, f"ranked {position} of {len(ranked)}; only the top {shown} are kept"
        out.append({"posting_id": ids[id(m.posting)], "fate": fate, "reason": reason, "score": m.score,
                    "score_parts": m.score_parts, "position": position})
    return out[:MAX_FATES]


def explain(posting_id: str, fates: list[dict[str, Any]], *, query: str, run_started: datetime | None,
            run_ended: datetime | None, first_seen: datetime | None, closed_reason: str | None,
            closed_at: datetime | None, searched_sources: list[str], source: str) -> dict[str, Any]:
    """The answer for one posting: its fate and reason, with the score components where it was scored."""
    record = next((f for f in fates if f.get("posting_id") == posting_id), None)
    if record is not None:
        return {"posting_id": posting_id, **record}
    if closed_at is not None and (run_started is None or closed_at <= run_started):
        why = f"closed before the search ({closed_reason or 'gone from its source'}); only open postings are searched"
    elif first_seen is not None and run_ended is not None and first_seen > run_ended:
        why = "harvested after this run; a new search will consider it"
    elif searched_sources and source not in searched_sources:
        why = f"its source {source} was not among the sources this run searched"
    elif len(fates) >= MAX_FATES:
        why = f"not among the {MAX_FATES} candidates whose fate the run kept"
    else:
        why = f'not a candidate: the full-text index did not return it for "{query}"'
    return {"posting_id": posting_id, "fate": NOT_CANDIDATE, "reason": why}
