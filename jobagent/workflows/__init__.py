"""The workflow registry: built-in workflows plus any named in ``JOBAGENT_WORKFLOW_MODULES``.

Modules are imported on first lookup so producers (the CLI) never pay for workflow imports.
"""

from __future__ import annotations

import importlib
from typing import Any

from jobagent.config import get_settings
from jobagent.workflows.engine import Workflow

_BUILTIN = {
    "profiling": "jobagent.workflows.profiling",
    "job_search": "jobagent.workflows.job_search",
    "diagnostic": "jobagent.workflows.diagnostic",
}


def get_workflow(workflow_type: str) -> Workflow[Any]:
    module = _BUILTIN.get(workflow_type)
    if module:
        return importlib.import_module(module).WORKFLOW  # type: ignore[no-any-return]
    for name in filter(None, (m.strip() for m in get_settings().workflow_modules.split(","))):
        for workflow in getattr(importlib.import_module(name), "WORKFLOWS", []):
            if workflow.kind == workflow_type:
                return workflow  # type: ignore[no-any-return]
    raise LookupError(f"unknown workflow type {workflow_type!r}")


def preload() -> None:
    """Import every workflow and its domain modules once in the worker's main process.

    RQ forks a work-horse per task; whatever the parent has imported is free in the child, so this
    keeps per-task overhead to the work itself.
    """
    import jobagent.cv.extraction
    import jobagent.cv.readers
    import jobagent.postings.feeds
    import jobagent.postings.letters
    import jobagent.postings.matching
    import jobagent.postings.reports
    import jobagent.postings.research
    import jobagent.tasks  # noqa: F401
    from jobagent.cv.vocabulary import occupations, skill_index

    # Issue 13: the vocabularies (~80 ms to build) are built once here, so each forked task inherits them.
    skill_index()
    occupations()
    for module in _BUILTIN.values():
        importlib.import_module(module)
    for name in filter(None, (m.strip() for m in get_settings().workflow_modules.split(","))):
        importlib.import_module(name)
