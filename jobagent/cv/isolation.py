"""What the CV parsing child may see: no credentials, no network, no files but its own (issue 23).

The child parses hostile files with pypdf, python-docx and lxml; a parser bug that runs code there must find
nothing worth taking. It used to inherit the worker's whole environment (DATABASE_URL with its password,
SMTP_PASSWORD, API tokens, the Sentry DSN) and its network, and it ran in the worker's directory.

- ``child_env``: an environment built from nothing, holding only what Python and the parsers need.
- ``drop_network``: called first thing in the child; ``unshare(CLONE_NEWUSER | CLONE_NEWNET)`` puts it in a
  network namespace of its own, with only a loopback device that is down, so it can connect nowhere, not even
  to 127.0.0.1 (Redis, PostgreSQL, the cloud metadata service). The user namespace is what lets an unprivileged
  worker create it; the child keeps its real uid for files. Python 3.11 has no ``os.unshare``, hence ctypes.
  Where the kernel or a sandbox (systemd ``RestrictNamespaces=``, seccomp) refuses, the child still parses,
  without credentials, and says so in its answer (``network``), which the parent logs once.
- the parent runs the child in a fresh temporary directory (also its HOME and TMPDIR), removed afterwards.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from pathlib import Path

__all__ = ["CLONE_NEWNET", "CLONE_NEWUSER", "child_env", "drop_network"]

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
# Passed through only if set: none of them carries a credential, and Python or the C libraries read them.
_KEPT = ("LANG", "LC_ALL", "LC_CTYPE", "TZ")


def child_env(workdir: Path) -> dict[str, str]:
    """The child's whole environment: this very ``jobagent`` first on the path, a plain PATH, and the fresh
    ``workdir`` as HOME and TMPDIR (a library that writes a cache or a temporary file writes it there)."""
    root = str(Path(__file__).resolve().parent.parent.parent)
    inherited = os.environ.get("PYTHONPATH")
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(workdir), "TMPDIR": str(workdir),
           "PYTHONPATH": os.pathsep.join([root, *([inherited] if inherited else [])]),
           "PYTHONDONTWRITEBYTECODE": "1", "PYTHONIOENCODING": "utf-8", "PYTHONNOUSERSITE": "1"}
    env.update({name: os.environ[name] for name in _KEPT if name in os.environ})
    return env


def drop_network() -> str:
    """Move this (single-threaded) process into new user and network namespaces; "isolated" when it worked,
    else why not (the child then goes on: no credentials is still better than refusing every CV)."""
    name = ctypes.util.find_library("c") or "libc.so.6"
    try:
        libc = ctypes.CDLL(name, use_errno=True)
    except OSError as exc:
        return f"shared (no libc: {exc})"
    if libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0:
        errno = ctypes.get_errno()
        return f"shared (unshare: {os.strerror(errno)})"
    return "isolated"
