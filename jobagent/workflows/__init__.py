"""The workflow registry: built-in workflows plus any named in ``JOBAGENT_WORKFLOW_MODULES``.

Modules are imported on first lookup so producers (the CLI) never pay for workflow imports. The worker
imports them all up front (``jobagent.worker.preload``); this module imports neither the worker nor the task
entry points, so ``jobagent.tasks`` can depend on it without a cycle.
"""

from __future__ import annotations

import importlib
from typing import Any

from jobagent.config import get_settings
from jobagent.workflows.engine import Workflow

BUILTIN_MODULES = {
    "profiling": "jobagent.workflows.profiling",
    "job_search": "jobagent.workflows.job_search",
    "diagnostic": "jobagent.workflows.diagnostic",
}


def get_workflow(workflow_type: str) -> Workflow[Any]:
    module = BUILTIN_MODULES.get(workflow_type)
    if module:
        workflow: Workflow[Any] = importlib.import_module(module).WORKFLOW
        return workflow
    for name in filter(None, (m.strip() for m in get_settings().workflow_modules.split(","))):
        for candidate in getattr(importlib.import_module(name), "WORKFLOWS", []):
            if candidate.kind == workflow_type:
                found: Workflow[Any] = candidate
                return found
    raise LookupError(f"unknown workflow type {workflow_type!r}")
