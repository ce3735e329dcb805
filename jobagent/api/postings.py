"""The postings a run matched, best first, with the plain reasons each was kept, and each one's letter.

A match without a letter says why (``letter_missing``), read from what the run recorded: a search without a
profile writes none, the grounding check refuses a letter that states what the CV does not (the run's
warnings name the posting), and a match no letter was written for otherwise was not screened.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select

from jobagent.actors import OPERATOR, Actor
from jobagent.config import Settings, get_settings
from jobagent.errors import InvalidInput, NotFound
from jobagent.postings.salary import stored_pay
from jobagent.store.lookup import MIN_PREFIX, find_execution, resolve_prefix
from jobagent.store.models import Match, Posting, WorkflowExecution
from jobagent.store.session import session_scope
from jobagent.submission import ensure_schema

__all__ = ["LetterView", "MatchView", "letter", "letter_docx", "list_matches"]


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
    # Issue 29 §1: the letter itself, why there is none, and the tailored CV written for this match.
    cover_letter: str | None = None
    letter_missing: str | None = None
    tailored_cv_markdown: str | None = None
    tailored_cv_docx: str | None = None


class LetterView(BaseModel):
    """One match's letter (``cover_letter`` None with ``letter_missing`` saying why)."""

    run_id: str
    rank: int
    posting_id: str
    title: str
    company: str
    cover_letter: str | None
    letter_missing: str | None
    tailored_cv_markdown: str | None
    tailored_cv_docx: str | None


def _pay(p: Posting) -> dict[str, Any]:
    period, low, high = stored_pay(p.salary_min, p.salary_max, p.salary_currency, p.salary_interval,
                                   p.salary_annual_min, p.salary_annual_max)
    return {"salary_period": period, "salary_annual_min": low, "salary_annual_max": high,
            "salary_text": p.salary_text}


def _letter_missing(m: Match, result: dict[str, Any]) -> str | None:
    """Why this match has no letter, from the run's result (None when it has one)."""
    if m.cover_letter:
        return None
    if not result.get("profile_id"):
        return "no profile: a search without a profile writes no letter (search with --profile)"
    where = f"cover letter for {m.posting.title} at {m.posting.company}"
    for warning in result.get("warnings") or []:
        if str(warning).startswith(where) and "no letter written" in str(warning):
            return f"refused by grounding: {str(warning)[len(where):].strip()}"
    return "not screened: no letter was written for this match"


def _tailored(result: dict[str, Any]) -> dict[int, dict[str, str]]:
    """The run's tailored CVs by rank (their file names start with the two-digit rank)."""
    found: dict[int, dict[str, str]] = {}
    for cv in result.get("tailored_cvs") or []:
        name = Path(str(cv.get("markdown") or "")).name
        if name[:2].isdigit():
            found[int(name[:2])] = cv
    return found


def _view(m: Match, result: dict[str, Any], tailored: dict[int, dict[str, str]]) -> MatchView:
    cv = tailored.get(m.rank, {})
    return MatchView(
        rank=m.rank, score=round(m.score, 1), title=m.posting.title, company=m.posting.company,
        location=m.posting.location, remote=m.posting.remote, url=m.posting.url,
        salary_min=m.posting.salary_min, salary_max=m.posting.salary_max,
        salary_currency=m.posting.salary_currency, **_pay(m.posting), reasons=list(m.reasons),
        posting_id=m.posting_id, has_cover_letter=bool(m.cover_letter), score_parts=dict(m.score_parts or {}),
        cover_letter=m.cover_letter or None, letter_missing=_letter_missing(m, result),
        tailored_cv_markdown=cv.get("markdown"), tailored_cv_docx=cv.get("docx"))


def _result(ex: WorkflowExecution) -> dict[str, Any]:
    return dict(ex.result or {}) if ex.status == "completed" else {}


def list_matches(run_or_execution_id: str, *, settings: Settings | None = None,
                 actor: Actor = OPERATOR) -> list[MatchView]:
    """The matches of a job-search run (given by run or execution id, or a unique prefix), in rank order; the
    letters go with the run, so another owner's run is not found."""
    settings = settings or get_settings()
    ensure_schema(settings)
    with session_scope() as s:
        ex = find_execution(s, run_or_execution_id, actor=actor)
        result = _result(ex)
        tailored = _tailored(result)
        matches = s.scalars(select(Match).where(Match.run_id == ex.run_id).order_by(Match.rank)).all()
        return [_view(m, result, tailored) for m in matches]


def letter(run_or_execution_id: str, rank_or_posting_id: str, *, settings: Settings | None = None,
           actor: Actor = OPERATOR) -> LetterView:
    """One match's letter: ``rank_or_posting_id`` is its rank in the run (``2``) or its posting id (or a
    unique prefix of one, among this run's matches). NotFound for an unknown run or match.

    Example: ``letter("3f2a9c1e", "1").cover_letter``."""
    settings = settings or get_settings()
    ensure_schema(settings)
    which = rank_or_posting_id.strip()
    if not which:
        raise InvalidInput("rank_or_posting_id is required: a rank (1, 2, ...) or a posting id")
    with session_scope() as s:
        ex = find_execution(s, run_or_execution_id, actor=actor)
        if which.isdigit() and len(which) < MIN_PREFIX:
            m = s.scalar(select(Match).where(Match.run_id == ex.run_id, Match.rank == int(which)))
            missing = f"run {ex.run_id} has no match ranked {which}"
        else:
            full = resolve_prefix(s, Match.posting_id, which, "posting", where=[Match.run_id == ex.run_id])
            m = s.scalar(select(Match).where(Match.run_id == ex.run_id, Match.posting_id == full)) if full else None
            missing = f"posting {which} is not among the matches of run {ex.run_id}"
        if not m:
            raise NotFound(missing)
        result = _result(ex)
        view = _view(m, result, _tailored(result))
        return LetterView(run_id=ex.run_id, rank=view.rank, posting_id=view.posting_id, title=view.title,
                          company=view.company, cover_letter=view.cover_letter, letter_missing=view.letter_missing,
                          tailored_cv_markdown=view.tailored_cv_markdown, tailored_cv_docx=view.tailored_cv_docx)


def letter_docx(view: LetterView, path: str | Path) -> Path:
    """Write the letter of ``view`` to ``path`` as a Word document; InvalidInput when the match has none."""
    from jobagent.postings.letter_docx import write_letter_docx

    if view.cover_letter is None:
        raise InvalidInput(f"match {view.rank} has no letter: {view.letter_missing}")
    return write_letter_docx(view.cover_letter, Path(path))
