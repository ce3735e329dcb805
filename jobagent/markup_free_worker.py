"""The RQ worker jobagent runs: RQ's own ``Worker``, except that no failure text it stores can hold markup.

A task's exception text carries user input (a CV URL such as ``http://host/<img src=x onerror=...>``), RQ
stores it as the job's ``exc_info`` and its result, and rq-dashboard's job page puts that text into
``innerHTML`` unescaped: a stored XSS against whoever opens the page. Every failure RQ records, whether the
task raised, timed out or its work-horse died, goes through ``Worker.handle_job_failure(exc_string=...)``
(rq 3.0, ``worker/base.py``), so that is the one hook: the text is neutralised there before RQ writes it to
the failed registry, the job's result and its webhooks.

Neutralised, not HTML-escaped: the dashboard shows the same text raw on the job page and escaped (jQuery
``.text()``) on the jobs list, where ``&lt;`` would appear literally. Angle brackets become the look-alike
``‹ ›`` instead, which read the same on both pages and can never open a tag. (An ``&`` cannot start markup on
its own: ``&lt;`` parsed by ``innerHTML`` is the text ``<``, not an element.)

The other texts jobagent hands RQ carry no user input: descriptions and arguments are execution ids
(``queue._task_options``), metadata is rq-scheduler's cron settings from code, and a task returns only
``{"status": ...}``. Sentry and the worker's own log still get the exception verbatim.
"""

from __future__ import annotations

from typing import Any

from rq import Queue, Worker
from rq.job import Job
from rq.worker.base import BaseWorker

_NEUTRAL = str.maketrans({"<": "\u2039", ">": "\u203a"})


def strip_markup(text: str) -> str:
    """``text`` with ``<`` and ``>`` replaced by ``‹`` and ``›``: readable, and inert in any HTML context."""
    return text.translate(_NEUTRAL)


class MarkupFree(BaseWorker):
    """Mixin for any RQ worker class: its recorded failure text (``exc_info``, result, webhooks) holds no
    ``<`` or ``>``. Used by the forking worker and by the pooled work-horses (``jobagent.worker_pool``)."""

    def handle_job_failure(self, job: Job, queue: Queue, started_job_registry: Any = None, exc_string: str = "",
                           execution: Any = None) -> None:
        super().handle_job_failure(job, queue, started_job_registry=started_job_registry,
                                   exc_string=strip_markup(exc_string or ""), execution=execution)


class MarkupFreeWorker(MarkupFree, Worker):
    """``rq.Worker`` whose recorded failure text holds no ``<`` or ``>``."""
