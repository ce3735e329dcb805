"""Finding a row by the id a user has at hand, or saying at once that it does not exist (``NotFound``).

Users copy whichever id a command printed: ``status``, ``retry`` and ``matches`` accept an execution id or a
run id, so the rule "the execution with this id, else the run's latest execution" is written here once; so is
"this profile, or NotFound", which every profile and board operation starts with.

Both take the ``Actor`` asking (issue 23 item 8): a row of another owner is answered exactly like a missing
one, with the same message, so an id says nothing about whether someone else's row exists.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobagent.actors import OPERATOR, Actor
from jobagent.errors import NotFound
from jobagent.store.models import Run, UserProfile, WorkflowExecution


def find_execution(s: Session, run_or_execution_id: str, *, actor: Actor = OPERATOR) -> WorkflowExecution:
    """The execution with this id, else the newest execution of the run with this id; NotFound otherwise."""
    ex = s.get(WorkflowExecution, run_or_execution_id)
    if ex is None:
        ex = s.scalar(select(WorkflowExecution).where(WorkflowExecution.run_id == run_or_execution_id)
                      .order_by(WorkflowExecution.created_at.desc()).limit(1))
    if ex is not None and not actor.admin and not actor.sees(s.scalar(select(Run.owner).where(Run.id == ex.run_id))):
        ex = None
    if ex is None:
        raise NotFound(f"run or execution {run_or_execution_id} not found")
    return ex


def find_profile(s: Session, profile_id: str, *, for_update: bool = False, actor: Actor = OPERATOR) -> UserProfile:
    """The profile with this id, if the actor may see it; NotFound otherwise."""
    profile = s.get(UserProfile, profile_id, with_for_update=for_update)
    if profile is None or not actor.sees(profile.owner):
        raise NotFound(f"profile {profile_id} not found")
    return profile


def require_profile(s: Session, profile_id: str, *, actor: Actor = OPERATOR) -> None:
    """As ``find_profile``, reading one column instead of loading the profile (board listings)."""
    owner = s.execute(select(UserProfile.owner).where(UserProfile.id == profile_id)).first()
    if owner is None or not actor.sees(owner[0]):
        raise NotFound(f"profile {profile_id} not found")
