"""The closed sets of values CLI options accept, as real choices (click validates them, exit 2, and
``--help`` and shell completion list them).

Spelled out here rather than imported from the domain modules, so ``jobagent --help`` and ``runs --json``
import no SQLAlchemy; tests/unit/test_cli_help.py checks each set against its domain source of truth.
``StrEnum`` members are ``str``: the core API receives plain strings' equals.
"""

from __future__ import annotations

from enum import StrEnum


class RunState(StrEnum):
    """jobagent.submission.STATUSES"""

    pending = "pending"
    processing = "processing"
    completed = "completed"
    failed = "failed"


class Priority(StrEnum):
    """jobagent.queue.QUEUE_NAMES"""

    high = "high"
    default = "default"


class DequeueStrategyName(StrEnum):
    """rq.worker.DequeueStrategy"""

    default = "default"
    round_robin = "round_robin"
    random = "random"


class BoardState(StrEnum):
    """jobagent.postings.board.STATES"""

    new = "new"
    saved = "saved"
    applied = "applied"
    interviewing = "interviewing"
    offer = "offer"
    rejected = "rejected"
    withdrawn = "withdrawn"
    skipped = "skipped"


class Level(StrEnum):
    """jobagent.cv.vocabulary.LEVELS"""

    entry = "entry"
    junior = "junior"
    mid = "mid"
    senior = "senior"
    lead = "lead"
    manager = "manager"
    director = "director"


class PeriodicTaskId(StrEnum):
    """The ids of jobagent.scheduler.periodic_tasks()"""

    daily_search = "daily-search"
    reconcile = "reconcile"
    harvest = "harvest"
    liveness = "liveness"


class LetterLanguage(StrEnum):
    """jobagent.languages.SUPPORTED: the languages a letter can be written in"""

    en = "en"
    de = "de"
    nl = "nl"
    fr = "fr"
    es = "es"
    pt = "pt"
