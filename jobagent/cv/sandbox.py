"""Reading CV documents without letting a hostile file take the process down.

A 306 KB DOCX can inflate to gigabytes of XML, and a 411 KB PDF of a few huge Flate pages held one worker
for a minute at half a gigabyte. Two layers stop that:

- cheap checks before a parser opens the file (``jobagent.cv.bomb_checks``), plus a cap on extracted
  characters in the reader;
- the parsing itself runs in a child process (``python -m jobagent.cv.sandbox``, JSON in and out) with an
  address-space limit (``RLIMIT_AS``), a CPU limit and a wall-clock timeout, so whatever the checks miss
  costs at most those limits and ends as one ``InvalidInput`` line, never an OOM-killed worker. The child
  also starts with an environment built from nothing, off the network and in a fresh temporary directory
  (``jobagent.cv.isolation``), so code run through a parser bug finds no credentials and reaches nothing.

Both submit (which parses local files to refuse bad ones up front) and the worker parse through here.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from jobagent.cv.isolation import child_env, drop_network
from jobagent.cv.schema import CVDocument
from jobagent.errors import InvalidInput

log = logging.getLogger(__name__)

# ------------------------------------------------------------------------------------------ the child


def parse_cv_bytes(source: str, data: bytes, *, suffix: str = "", content_type: str | None = None,
                   settings: Any = None, stats: dict[str, Any] | None = None) -> CVDocument:
    """Parse CV bytes in a child process under memory and time limits; ``InvalidInput`` on any failure.

    ``stats`` (when given) receives the child's ``peak_rss_mb``, wall ``seconds`` and ``outcome``, measured
    with ``wait4`` for that one child, for tests and benchmarks.
    """
    from jobagent.config import get_settings

    settings = settings or get_settings()
    limit_mb, timeout = settings.cv_parse_memory_mb, settings.cv_parse_timeout
    request = {"source": source, "data": base64.b64encode(data).decode("ascii"), "suffix": suffix,
               "content_type": content_type, "max_pages": settings.cv_max_pages,
               "max_chars": settings.cv_max_chars, "memory_bytes": limit_mb * 1024 * 1024,
               "cpu_seconds": int(timeout) + 1}
    answer, status, usage, timed_out, seconds = _run_child(request, timeout, source)
    outcome = "timeout" if timed_out else ("ok" if answer and answer.get("ok") else "refused" if answer
                                           else f"died (status {status})")
    _note_network((answer or {}).get("network"))
    if stats is not None:
        # The child's own high-water mark when it could report one: wait4's ru_maxrss also counts the pages
        # it shared with this (possibly large) parent between fork and exec.
        peak_kb = (answer or {}).get("peak_rss_kb") or usage.ru_maxrss
        stats.update(peak_rss_mb=round(peak_kb / 1024, 1), seconds=round(seconds, 2), outcome=outcome,
                     network=(answer or {}).get("network"))
    if timed_out:
        raise InvalidInput(f"CV file took too long to read (over {timeout:g} s): {source}")
    if answer is None:
        raise InvalidInput(f"CV file could not be read within {limit_mb} MB of memory: {source}")
    if not answer.get("ok"):
        raise InvalidInput(str(answer.get("error") or f"CV file could not be read: {source}"))
    return CVDocument(source=source, kind=answer["kind"], text=answer["text"])


def _run_child(request: dict[str, Any], timeout: float,
               source: str) -> tuple[dict[str, Any] | None, int, Any, bool, float]:
    """One child run: JSON in through a temporary file, JSON out; its environment built from nothing and
    its working directory (also HOME and TMPDIR) a fresh temporary one, removed afterwards
    (``jobagent.cv.isolation``). Returns the answer (None if it gave none), exit status, rusage, whether
    it was killed at the deadline, and wall seconds."""
    with tempfile.TemporaryDirectory(prefix="jobagent-cv-") as workdir, tempfile.TemporaryFile() as fin, \
            tempfile.TemporaryFile() as fout, tempfile.TemporaryFile() as ferr:
        fin.write(json.dumps(request).encode())
        fin.seek(0)
        began = time.monotonic()
        proc = subprocess.Popen([sys.executable, "-m", "jobagent.cv.sandbox"], stdin=fin, stdout=fout,
                                stderr=ferr, env=child_env(Path(workdir)), cwd=workdir, close_fds=True,
                                start_new_session=True)
        status, usage, timed_out = _wait(proc, timeout)
        seconds = time.monotonic() - began
        fout.seek(0)
        raw = fout.read()
        ferr.seek(0)
        errors = ferr.read(4000).decode("utf-8", "replace").strip()
    if errors:  # a warning from the child, or the tail of its crash: for the operator, not the user
        log.warning("CV parser for %s said: %s", source, errors.splitlines()[-1])
    try:
        answer = json.loads(raw) if raw else None
    except ValueError:
        answer = None
    return answer, status, usage, timed_out, seconds


_network_noted: set[str] = set()


def _note_network(network: Any) -> None:
    """Once per process and reason: the child could not leave the network (see ``isolation.drop_network``)."""
    if isinstance(network, str) and network != "isolated" and network not in _network_noted:
        _network_noted.add(network)
        log.warning("CV parser runs without credentials but with network access: %s (allow user and net "
                    "namespaces, e.g. systemd RestrictNamespaces=user net)", network)


def probe_child(connect_port: int | None = None, timeout: float = 30) -> dict[str, Any]:
    """What a parsing child sees: its environment's names, its working directory, whether it left the
    network, and (given ``connect_port``) whether it could connect to that port on 127.0.0.1. For tests and
    operators checking a host; the child runs exactly as for a CV, limits aside."""
    request = {"probe": True, "connect_port": connect_port}
    answer, status, _, timed_out, _ = _run_child(request, timeout, "probe")
    if timed_out or answer is None:
        raise RuntimeError(f"the CV parsing child gave no answer (status {status}, timed out: {timed_out})")
    return answer


def _wait(proc: subprocess.Popen[bytes], timeout: float) -> tuple[int, Any, bool]:
    """Reap the child with ``wait4`` (its own rusage), killing its process group past the deadline."""
    deadline = time.monotonic() + timeout
    timed_out = False
    delay = 0.005
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            timed_out = True
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            _, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(delay)
        delay = min(delay * 2, 0.05)
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here; tell Popen so it never waits again
    return proc.returncode, usage, timed_out


def _child_main() -> int:
    """Entry point of the child: off the network first, then limits, then the parsers, JSON out on stdout."""
    network = drop_network()  # while still single-threaded, before anything reads the file
    request = json.loads(sys.stdin.buffer.read())
    if request.get("probe"):
        sys.stdout.write(json.dumps(_probe(network, request.get("connect_port"))))
        return 0
    data = base64.b64decode(request.pop("data"))
    memory, cpu = int(request["memory_bytes"]), int(request["cpu_seconds"])
    try:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    except (OSError, ValueError) as exc:  # e.g. a seccomp filter without setrlimit: timeout and cgroup remain
        sys.stderr.write(f"jobagent.cv.sandbox: could not set resource limits: {exc}\n")
    from jobagent.cv.readers import read_cv_bytes

    source = request["source"]
    try:
        doc = read_cv_bytes(source, data, suffix=request["suffix"], content_type=request["content_type"],
                            max_pages=int(request["max_pages"]), max_chars=int(request["max_chars"]))
        answer: dict[str, Any] = {"ok": True, "kind": doc.kind, "text": doc.text}
    except InvalidInput as exc:
        answer = {"ok": False, "error": _memory_message(str(exc), source, memory)}
    except MemoryError:
        answer = {"ok": False, "error": _memory_message("MemoryError", source, memory)}
    answer["peak_rss_kb"] = _own_peak_kb("VmHWM")
    answer["network"] = network
    sys.stdout.write(json.dumps(answer))
    return 0


def _probe(network: str, port: Any) -> dict[str, Any]:
    connected: bool | str | None = None
    if isinstance(port, int):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2):
                connected = True
        except OSError as exc:
            connected = f"{type(exc).__name__}: {exc.strerror or exc}"
    return {"ok": True, "network": network, "env": sorted(os.environ), "cwd": os.getcwd(),
            "connected": connected}


def _own_peak_kb(field: str) -> int | None:
    """``field`` of /proc/self/status (VmHWM: peak resident, VmPeak: peak address space) since this
    process's exec (Linux), or None where /proc has no such line."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(f"{field}:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _memory_message(message: str, source: str, memory: int) -> str:
    """The memory limit's own message when the parse ran into it. lxml reports a failed allocation as
    "unknown error (<string>, line 0)", not as MemoryError, so the child's peak address space (within 32 MB
    of the limit) is what tells: that is not the user's broken file but a file too big to read."""
    peak_kb = _own_peak_kb("VmPeak")
    near_limit = peak_kb is not None and peak_kb * 1024 >= memory - 32 * 1024 * 1024
    if "MemoryError" in message or near_limit:
        return f"CV file could not be read within {memory // (1024 * 1024)} MB of memory: {source}"
    return message


if __name__ == "__main__":
    sys.exit(_child_main())
