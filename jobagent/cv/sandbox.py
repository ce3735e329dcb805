"""Reading CV documents without letting a hostile file take the process down.

A 306 KB DOCX can inflate to gigabytes of XML, and a 411 KB PDF of a few huge Flate pages held one worker
for a minute at half a gigabyte. Two layers stop that:

- cheap checks before a parser opens the file (``jobagent.cv.bomb_checks``), plus a cap on extracted
  characters in the reader;
- the parsing itself runs in a child process with an address-space limit (``RLIMIT_AS``), a CPU limit and
  a wall-clock timeout, so whatever the checks miss costs at most those limits and ends as one
  ``InvalidInput`` line, never an OOM-killed worker. The child has an environment built from nothing, is
  off the network and works in a fresh temporary directory (``jobagent.cv.isolation``), so code run
  through a parser bug finds no credentials and reaches nothing.

The children are forked by a warm server (``jobagent.cv.sandbox_server``) that has already imported the
readers, so a parse costs a fork, not an interpreter start-up and 200 ms of imports (issue 26 §4). Servers
are started on first use (or ahead of it with ``warm``), kept for this process, and never shared with a
forked process (an RQ work-horse starts its own). Submit parses each local file here once; the worker uses
the stored text (``jobagent.cv.stored``) and parses only URLs.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import select
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

from jobagent.cv.isolation import child_env
from jobagent.cv.sandbox_server import read_frame, write_frame
from jobagent.cv.schema import CVDocument
from jobagent.errors import InvalidInput

log = logging.getLogger(__name__)

_GRACE = 15.0  # beyond the parse deadline, for the server itself to answer before it is deemed lost
_POOL_MAX = 4  # idle servers kept; more concurrent parses start more, which exit when returned past this


def parse_cv_bytes(source: str, data: bytes, *, suffix: str = "", content_type: str | None = None,
                   settings: Any = None, stats: dict[str, Any] | None = None) -> CVDocument:
    """Parse CV bytes in a sandboxed child under memory and time limits; ``InvalidInput`` on any failure.

    ``stats`` (when given) receives the child's ``peak_rss_mb``, wall ``seconds`` and ``outcome``, measured
    with ``wait4`` for that one child, for tests and benchmarks.
    """
    from jobagent.config import get_settings

    settings = settings or get_settings()
    limit_mb, timeout = settings.cv_parse_memory_mb, settings.cv_parse_timeout
    request = {"source": source, "suffix": suffix, "content_type": content_type, "max_pages": settings.cv_max_pages,
               "max_chars": settings.cv_max_chars, "memory_bytes": limit_mb * 1024 * 1024,
               "cpu_seconds": int(timeout) + 1, "timeout": timeout,
               "ocr": {"tesseract": settings.cv_tesseract, "languages": settings.cv_ocr_languages}}
    reply = _run(request, data, timeout, source)
    answer, timed_out = reply.get("answer"), bool(reply.get("timed_out"))
    outcome = "timeout" if timed_out else ("ok" if answer and answer.get("ok") else "refused" if answer
                                           else f"died (status {reply.get('status')})")
    _note_network((answer or {}).get("network"))
    if stats is not None:
        peak_kb = (answer or {}).get("peak_rss_kb") or reply.get("maxrss_kb") or 0
        stats.update(peak_rss_mb=round(peak_kb / 1024, 1), seconds=round(float(reply.get("seconds") or 0), 2),
                     outcome=outcome, network=(answer or {}).get("network"))
    if timed_out:
        raise InvalidInput(f"CV file took too long to read (over {timeout:g} s): {source}")
    if answer is None:
        raise InvalidInput(f"CV file could not be read within {limit_mb} MB of memory: {source}")
    if not answer.get("ok"):
        raise InvalidInput(str(answer.get("error") or f"CV file could not be read: {source}"))
    return CVDocument(source=source, kind=answer["kind"], text=answer["text"])


def probe_child(connect_port: int | None = None, timeout: float = 30) -> dict[str, Any]:
    """What a parsing child sees: its environment's names, its working directory, whether it left the
    network, and (given ``connect_port``) whether it could connect to that port on 127.0.0.1. For tests and
    operators checking a host; the child runs exactly as for a CV, limits aside."""
    reply = _run({"probe": True, "connect_port": connect_port, "timeout": timeout}, None, timeout, "probe")
    if reply.get("timed_out") or reply.get("answer") is None:
        raise RuntimeError(f"the CV parsing child gave no answer (status {reply.get('status')}, timed out: "
                           f"{reply.get('timed_out')})")
    return dict(reply["answer"])


def warm() -> None:
    """Start a server now, so its start-up overlaps the caller's own work (submit calls this first)."""
    _release(_take())


def _run(request: dict[str, Any], data: bytes | None, timeout: float, source: str) -> dict[str, Any]:
    """One request on a pooled server, in a fresh temporary directory removed afterwards. A server that dies
    or stalls is replaced once: a crash there is ours, not the user's file's (the child's limits are its own)."""
    with tempfile.TemporaryDirectory(prefix="jobagent-cv-") as workdir:
        request = {**request, "workdir": workdir}
        for attempt in (1, 2):
            server = _take()
            try:
                reply = server.ask(request, data, timeout + _GRACE)
            except _ServerLost as exc:
                server.close()
                if attempt == 2:
                    raise InvalidInput(f"CV file could not be read (the parser stopped: {exc}): {source}") from None
                continue
            except BaseException:  # e.g. RQ's hard time limit mid-conversation: the stream is out of step
                server.close()
                raise
            _release(server)
            break
    errors = str(reply.get("stderr") or "")
    if errors:  # a warning from the child, or the tail of its crash: for the operator, not the user
        log.warning("CV parser for %s said: %s", source, errors.splitlines()[-1])
    return reply


class _ServerLost(Exception):
    pass


class _Server:
    """One warm fork server, talked to over its stdin/stdout."""

    def __init__(self) -> None:
        self.home = tempfile.mkdtemp(prefix="jobagent-cv-server-")
        self._stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen([sys.executable, "-m", "jobagent.cv.sandbox_server"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self._stderr, env=child_env(Path(self.home)),
                                     cwd=self.home, close_fds=True, start_new_session=True)

    def ask(self, request: dict[str, Any], data: bytes | None, timeout: float) -> dict[str, Any]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        try:
            write_frame(self.proc.stdin, json.dumps(request).encode())
            if data is not None:
                write_frame(self.proc.stdin, data)
        except OSError as exc:
            raise _ServerLost(f"{type(exc).__name__}: {exc}") from None
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        raw = read_frame(self.proc.stdout) if ready else None
        if raw is None:
            raise _ServerLost("no answer" if ready else f"no answer within {timeout:g} s")
        return dict(json.loads(raw))

    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self) -> None:
        """End the server: EOF on its stdin, then a kill if it does not go."""
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None:
                try:
                    stream.close()
                except OSError:
                    pass
        try:
            self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._stderr.close()
        shutil.rmtree(self.home, ignore_errors=True)


_lock = threading.Lock()
_idle: list[_Server] = []
_owner = os.getpid()


def _take() -> _Server:
    global _owner
    with _lock:
        if os.getpid() != _owner:  # a forked process: the parent's servers are the parent's, not ours
            _idle.clear()
            _owner = os.getpid()
        while _idle:
            server = _idle.pop()
            if server.alive():
                return server
            server.close()
    return _Server()


def _release(server: _Server) -> None:
    with _lock:
        if os.getpid() == _owner and server.alive() and len(_idle) < _POOL_MAX:
            _idle.append(server)
            return
    if os.getpid() == _owner or not server.alive():
        server.close()


@atexit.register
def _close_all() -> None:
    with _lock:
        servers = list(_idle) if os.getpid() == _owner else []
        _idle.clear()
    for server in servers:
        server.close()


_network_noted: set[str] = set()


def _note_network(network: Any) -> None:
    """Once per process and reason: the child could not leave the network (see ``isolation.drop_network``)."""
    if isinstance(network, str) and network != "isolated" and network not in _network_noted:
        _network_noted.add(network)
        log.warning("CV parser runs without credentials but with network access: %s (allow user and net "
                    "namespaces, e.g. systemd RestrictNamespaces=user net)", network)
