"""The sandbox's warm parent: a fork server that has already imported the readers (issue 26 §4).

A fresh ``python -m`` child per CV cost about 230 ms, 33 times the parse itself: interpreter start-up and
the imports of pypdf, python-docx, lxml and pydantic, paid again for every CV. This process pays them once.
``jobagent.cv.sandbox`` starts it (``python -m jobagent.cv.sandbox_server``) with an environment built from
nothing (``isolation.child_env``), and it leaves the network first thing (``isolation.drop_network``), so
everything forked from it starts off the network and without credentials.

For each request it forks one child, which does what the one-shot child did: a fresh temporary directory
(made by the caller) as working directory, HOME and TMPDIR; ``RLIMIT_AS``, ``RLIMIT_CPU`` and
``RLIMIT_FSIZE``; its own session (so a deadline kills whatever it started, Tesseract included); no
capabilities left (so it cannot ptrace this non-dumpable server and read the next user's CV); then the
parse. This server enforces the wall-clock deadline, reaps the child with ``wait4`` (its own rusage) and
answers. A fork of a warm process costs a few milliseconds.

Frames on stdin/stdout: 8 bytes of big-endian length, then the payload; a request is a JSON header frame
followed by the CV bytes as a raw frame, an answer one JSON frame. EOF on stdin ends the server.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import io
import json
import os
import resource
import select
import signal
import socket
import sys
import time
from typing import IO, Any

from jobagent.cv.isolation import drop_network

_PR_SET_DUMPABLE = 4
_PR_SET_NO_NEW_PRIVS = 38
_ANSWER, _STDERR = ".answer.json", ".stderr"
_MAX_FILE = 64 * 1024 * 1024  # any one file the child (or Tesseract) writes; a CV's answer is far smaller


def read_frame(stream: IO[bytes]) -> bytes | None:
    """One frame, or None at EOF (the other side has gone)."""
    head = _read_exact(stream, 8)
    if head is None:
        return None
    body = _read_exact(stream, int.from_bytes(head, "big"))
    if body is None:
        return None
    return body


def write_frame(stream: IO[bytes], payload: bytes) -> None:
    stream.write(len(payload).to_bytes(8, "big") + payload)
    stream.flush()


def _read_exact(stream: IO[bytes], size: int) -> bytes | None:
    chunks, left = [], size
    while left:
        chunk = stream.read(left)
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _libc() -> Any:
    return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


def _drop_capabilities(libc: Any) -> None:
    """No capabilities in any namespace: after ``unshare(CLONE_NEWUSER)`` this process tree holds all of them
    in its own user namespace, which would let a child ptrace the (non-dumpable) server."""
    header = (ctypes.c_uint32 * 2)(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this process
    data = (ctypes.c_uint32 * 6)()  # effective, permitted, inheritable x 2 words: all zero
    libc.capset(header, data)
    libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)


def main() -> int:
    network = drop_network()  # while still single-threaded, before anything else
    libc = _libc()
    libc.prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0)
    _preload()
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while (header := read_frame(stdin)) is not None:
        request = json.loads(header)
        data = b""
        if not request.get("probe"):
            data = read_frame(stdin) or b""
        reply = _serve(request, data, network, libc)
        write_frame(stdout, json.dumps(reply).encode())
    return 0


def _preload() -> None:
    """What every parse needs, imported once here instead of in every child: the modules, and what they
    import lazily on a first parse (a tiny PDF is read for that). ``gc.freeze`` then keeps the collector
    from walking, and so copying, every inherited object in each forked child."""
    import gc

    import docx  # noqa: F401
    import lxml.etree  # type: ignore[import-untyped]  # noqa: F401
    import pypdf  # noqa: F401

    import jobagent.cv.bomb_checks  # noqa: F401
    import jobagent.cv.ocr  # noqa: F401
    import jobagent.cv.pdf_layout  # noqa: F401
    from jobagent.cv.readers import read_cv_bytes

    try:
        read_cv_bytes("warm-up.pdf", _tiny_pdf())
        document, buffer = docx.Document(), io.BytesIO()  # python-docx's own template
        document.add_paragraph("Warm up")
        document.save(buffer)
        read_cv_bytes("warm-up.docx", buffer.getvalue())
    except Exception:  # noqa: BLE001 - only a warm-up; a real parse reports its own errors
        pass
    gc.collect()
    gc.freeze()


def _tiny_pdf() -> bytes:
    """A one-page PDF with a line of text, cross-reference table and all."""
    stream = b"BT /F1 12 Tf 50 800 Td (Warm up) Tj ET"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _serve(request: dict[str, Any], data: bytes, network: str, libc: Any) -> dict[str, Any]:
    """Fork one child for the request, hold it to the deadline, and report what it answered and cost."""
    workdir = request["workdir"]
    timeout = float(request.get("timeout") or 30)
    began = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 1
        try:
            _child(request, data, network, libc)
            code = 0
        finally:
            os._exit(code)
    status, usage, timed_out = _wait(pid, timeout)
    seconds = time.monotonic() - began
    answer: Any = None
    try:
        with open(os.path.join(workdir, _ANSWER), "rb") as fh:
            answer = json.loads(fh.read(_MAX_FILE))
    except (OSError, ValueError):
        answer = None
    try:
        with open(os.path.join(workdir, _STDERR), "rb") as fh:
            errors = fh.read(4000).decode("utf-8", "replace").strip()
    except OSError:
        errors = ""
    return {"answer": answer, "status": os.waitstatus_to_exitcode(status), "maxrss_kb": usage.ru_maxrss,
            "timed_out": timed_out, "seconds": seconds, "stderr": errors}


def _wait(pid: int, timeout: float) -> tuple[int, Any, bool]:
    """Wait on a pidfd (no polling delay on a 5 ms parse); past the deadline kill the child's session."""
    timed_out = False
    try:
        fd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        fd = None
    deadline = time.monotonic() + timeout
    while True:
        got, status, usage = os.wait4(pid, os.WNOHANG)
        if got:
            break
        left = deadline - time.monotonic()
        if left <= 0:
            timed_out = True
            for kill in (os.killpg, os.kill):  # the session, and the child itself if setsid had not run yet
                try:
                    kill(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            _, status, usage = os.wait4(pid, 0)
            break
        if fd is not None:
            select.select([fd], [], [], left)
        else:
            time.sleep(min(left, 0.005))
    if fd is not None:
        os.close(fd)
    return status, usage, timed_out


def _child(request: dict[str, Any], data: bytes, network: str, libc: Any) -> None:
    """Limits and confinement first, then the parse or the probe; the answer goes to a file in ``workdir``."""
    os.setsid()
    workdir = request["workdir"]
    err = os.open(os.path.join(workdir, _STDERR), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    os.dup2(err, 2)
    os.chdir(workdir)
    os.environ.update(HOME=workdir, TMPDIR=workdir)
    import tempfile

    tempfile.tempdir = None  # computed again from TMPDIR
    _drop_capabilities(libc)
    if request.get("probe"):
        answer = _probe(network, request.get("connect_port"))
    else:
        answer = _parse(request, data, network)
    path = os.path.join(workdir, _ANSWER)
    with open(path + ".part", "w", encoding="utf-8") as fh:
        json.dump(answer, fh)
    os.replace(path + ".part", path)


def _parse(request: dict[str, Any], data: bytes, network: str) -> dict[str, Any]:
    from jobagent.cv.readers import read_cv_bytes
    from jobagent.errors import InvalidInput

    memory, cpu = int(request["memory_bytes"]), int(request["cpu_seconds"])
    try:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        resource.setrlimit(resource.RLIMIT_FSIZE, (_MAX_FILE, _MAX_FILE))  # page images, the answer
    except (OSError, ValueError) as exc:  # e.g. a seccomp filter without setrlimit: timeout and cgroup remain
        sys.stderr.write(f"jobagent.cv.sandbox: could not set resource limits: {exc}\n")
    source = request["source"]
    try:
        doc = read_cv_bytes(source, data, suffix=request["suffix"], content_type=request["content_type"],
                            max_pages=int(request["max_pages"]), max_chars=int(request["max_chars"]),
                            ocr=request.get("ocr"))
        answer: dict[str, Any] = {"ok": True, "kind": doc.kind, "text": doc.text}
    except InvalidInput as exc:
        answer = {"ok": False, "error": _memory_message(str(exc), source, memory)}
    except MemoryError:
        answer = {"ok": False, "error": _memory_message("MemoryError", source, memory)}
    answer["peak_rss_kb"] = own_peak_kb("VmHWM")
    answer["network"] = network
    return answer


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


def own_peak_kb(field: str) -> int | None:
    """``field`` of /proc/self/status (VmHWM: peak resident, VmPeak: peak address space), or None where /proc
    has no such line. A forked child's figures include the pages it shares with this server."""
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
    peak_kb = own_peak_kb("VmPeak")
    near_limit = peak_kb is not None and peak_kb * 1024 >= memory - 32 * 1024 * 1024
    if "MemoryError" in message or near_limit:
        return f"CV file could not be read within {memory // (1024 * 1024)} MB of memory: {source}"
    return message


if __name__ == "__main__":
    sys.exit(main())
