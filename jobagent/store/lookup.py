"""Finding a row by the id a user has at hand, or saying at once that it does not exist (``NotFound``).

Users copy whichever id a command printed: ``status``, ``retry`` and ``matches`` accept an execution id or a
run id, so the rule "the execution with this id, else the run's latest execution" is written here once; so is
"this profile, or NotFound", which every profile and board operation starts with.

Every id may also be given as a unique prefix of at least ``MIN_PREFIX`` characters (issue 29 §2), as the
tables print shortened ids: ``resolve_prefix`` is that rule, written once; an ambiguous prefix is refused with
the candidates (``AmbiguousId``), a short one is simply not found.

All take the ``Actor`` asking (issue 23 item 8): a row of another owner is answered exactly like a missing
one, with the same message, so an id says nothing about whether someone else's row exists.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session

from jobagent.actors import OPERATOR, Actor
from jobagent.errors import AmbiguousId, NotFound
from jobagent.store.models import Run, UserProfile, WorkflowExecution

MIN_PREFIX = 6  # an 8-character short id always resolves; fewer than 6 would collide too often to be useful
_CANDIDATES = 10  # an ambiguous prefix lists at most this many (a longer list helps nobody pick one)


def resolve_prefix(s: Session, column: InstrumentedAttribute[str], given: str, noun: str, *,
                   where: Sequence[Any] = ()) -> str | None:
    """The full id in ``column`` that ``given`` is, or the only one it starts (at least ``MIN_PREFIX``
    characters); None when there is none. ``where`` narrows the rows (the actor's, one run's matches).
    Several ids starting with ``given`` raise ``AmbiguousId`` listing them."""
    given = given.strip()
    if not given:
        return None
    if s.scalar(select(column).where(column == given, *where).limit(1)) is not None:
        return given
    if len(given) < MIN_PREFIX:
        return None
    found = list(dict.fromkeys(s.scalars(select(column).where(column.startswith(given, autoescape=True), *where)
                                         .order_by(column).limit(_CANDIDATES))))
    if len(found) > 1:
        raise AmbiguousId(noun, given, found)
    return found[0] if found else None


def _short(given: str) -> str:
    """What a NotFound adds for an id too short to be taken as a prefix."""
    return f" (an id prefix needs at least {MIN_PREFIX} characters)" if 0 < len(given.strip()) < MIN_PREFIX else ""


def _newest_execution(s: Session, run_id: str) -> WorkflowExecution | None:
    return s.scalar(select(WorkflowExecution).where(WorkflowExecution.run_id == run_id)
                    .order_by(WorkflowExecution.created_at.desc()).limit(1))


def _owned(column: InstrumentedAttribute[Any], actor: Actor) -> list[Any]:
    """The rows an actor sees: all for an admin (the operator), else its own (none for a nameless one)."""
    if actor.admin:
        return []
    return [column == actor.name] if actor.name is not None else [column.is_(None), column.is_not(None)]


def find_execution(s: Session, run_or_execution_id: str, *, actor: Actor = OPERATOR) -> WorkflowExecution:
    """The execution with this id, else the newest execution of the run with this id (either given whole or
    as a unique prefix); NotFound otherwise."""
    given = run_or_execution_id.strip()
    ex = s.get(WorkflowExecution, given) if given else None
    if ex is None and given:
        ex = _newest_execution(s, given)
    if ex is not None and not actor.admin and not actor.sees(s.scalar(select(Run.owner).where(Run.id == ex.run_id))):
        ex = None
    if ex is None and len(given) >= MIN_PREFIX:
        ex = _execution_by_prefix(s, given, actor)
    if ex is None:
        raise NotFound(f"run or execution {run_or_execution_id} not found{_short(given)}")
    return ex


def _execution_by_prefix(s: Session, given: str, actor: Actor) -> WorkflowExecution | None:
    """A prefix of a run id or of an execution id: both name one run unless they start different runs."""
    scope = _owned(Run.owner, actor)
    run_id = resolve_prefix(s, Run.id, given, "run", where=scope)
    ex_id = resolve_prefix(s, WorkflowExecution.id, given, "execution",
                           where=[WorkflowExecution.run_id.in_(select(Run.id).where(*scope))] if scope else [])
    ex = s.get(WorkflowExecution, ex_id) if ex_id else None
    if ex is not None and run_id is not None and ex.run_id != run_id:
        raise AmbiguousId("run", given, sorted([run_id, ex.id]))
    if ex is None and run_id is not None:
        ex = _newest_execution(s, run_id)
    return ex


def profile_id_for(s: Session, profile_id: str, *, actor: Actor = OPERATOR) -> str:
    """The full id of the profile this id (or unique prefix) names, if the actor may see it; NotFound
    otherwise."""
    found = resolve_prefix(s, UserProfile.id, profile_id, "profile", where=_owned(UserProfile.owner, actor))
    if found is None:
        raise NotFound(f"profile {profile_id} not found{_short(profile_id)}")
    return found


def find_profile(s: Session, profile_id: str, *, for_update: bool = False, actor: Actor = OPERATOR) -> UserProfile:
    """The profile with this id or unique prefix, if the actor may see it; NotFound otherwise."""
    profile = s.get(UserProfile, profile_id, with_for_update=for_update)  # a whole id: one query, as before
    if profile is None or not actor.sees(profile.owner):
        profile = s.get(UserProfile, profile_id_for(s, profile_id, actor=actor), with_for_update=for_update)
    if profile is None or not actor.sees(profile.owner):
        raise NotFound(f"profile {profile_id} not found")
    return profile


def require_profile(s: Session, profile_id: str, *, actor: Actor = OPERATOR) -> str:
    """As ``find_profile``, reading one column instead of loading the profile (board listings): the full id."""
    return profile_id_for(s, profile_id, actor=actor)
