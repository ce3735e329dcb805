"""A one-node workflow that does no domain work: a canary for operators and the engine benchmark.

It goes through the same queue, worker and store bookkeeping as real workflows, so it measures (or
checks) exactly the overhead jobagent adds on top of RQ.
"""

from __future__ import annotations

import time
from typing import Any

from pydantic import BaseModel

from jobagent.workflows.engine import Node, NodeEnv, Workflow


class DiagnosticContext(BaseModel):
    sleep_seconds: float = 0.0
    echo: str = ""


class NoopNode(Node[DiagnosticContext]):
    name = "NoopNode"

    def run(self, ctx: DiagnosticContext, env: NodeEnv) -> None:
        if ctx.sleep_seconds > 0:
            time.sleep(ctx.sleep_seconds)


def _result(ctx: DiagnosticContext) -> dict[str, Any]:
    return {"echo": ctx.echo}


WORKFLOW = Workflow(kind="diagnostic", context_model=DiagnosticContext, nodes=[NoopNode()], result=_result)
