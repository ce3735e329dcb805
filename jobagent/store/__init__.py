"""Persistence: models, sessions and migrations."""

from jobagent.store.models import Match, Posting, Run, UserProfile, WorkflowExecution
from jobagent.store.session import get_engine, session_scope

__all__ = ["Match", "Posting", "Run", "UserProfile", "WorkflowExecution", "get_engine", "session_scope"]
