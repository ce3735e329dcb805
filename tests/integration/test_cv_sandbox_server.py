"""The sandbox's warm fork server (issue 26 §4): replaced when it dies, never shared with a forked process.

Real server processes and real generated PDFs. The limits themselves are tested by test_cv_bombs.py and
test_docx_xml_flood.py, the isolation by test_cv_sandbox_isolation.py.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

from jobagent.config import Settings
from jobagent.cv import sandbox
from tests.documents import make_pdf


def _parse(path: Path) -> str:
    return sandbox.parse_cv_bytes(str(path), path.read_bytes(), suffix=".pdf", settings=Settings()).text


def _idle_pids() -> set[int]:
    return {server.proc.pid for server in sandbox._idle}


def test_a_dead_server_is_replaced_and_the_cv_still_parses(tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "cv.pdf")
    assert "Apache Kafka" in _parse(pdf)
    first = _idle_pids()
    assert first, "the server is kept for the next parse"
    for pid in first:
        os.kill(pid, signal.SIGKILL)
    assert "Apache Kafka" in _parse(pdf)
    assert _idle_pids() and not (_idle_pids() & first)


def test_a_forked_process_starts_its_own_server(tmp_path: Path) -> None:
    """An RQ work-horse is a fork of the worker: it must not talk over the parent's pipes."""
    pdf = make_pdf(tmp_path / "cv.pdf")
    _parse(pdf)
    parent_servers = _idle_pids()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: parse, report which server answered, and leave without atexit handlers
        code = 1
        try:
            os.close(read)
            ok = "Apache Kafka" in _parse(pdf)
            os.write(write, f"{int(ok)} {' '.join(map(str, _idle_pids()))}".encode())
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    with os.fdopen(read) as fh:
        answer = fh.read().split()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0 and answer[0] == "1", answer
    assert {int(p) for p in answer[1:]}.isdisjoint(parent_servers)
    assert _idle_pids() == parent_servers and "Apache Kafka" in _parse(pdf)  # the parent's still serves it
