"""Where PostgreSQL's programs live on Debian, for backups, ``jobagent dev`` and the test servers."""

from __future__ import annotations

import glob
import os
import shutil
from pathlib import Path

PG_WRAPPER = "/usr/share/postgresql-common/pg_wrapper"


def find_pg_bin(name: str, *, allow_wrapper: bool = True) -> str | None:
    """A real binary on PATH, else the newest ``/usr/lib/postgresql/*/bin/NAME``, else Debian's wrapper.

    Debian's PATH entries are version-agnostic wrappers that pick a client for a local cluster, and the
    server programs (initdb, postgres) are not on PATH at all; the newest versioned client can dump any
    older server, which is what a backup wants.
    """
    found = shutil.which(name)
    if found and os.path.realpath(found) != PG_WRAPPER:
        return found if allow_wrapper else None
    dirs = sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                  key=lambda d: [int(p) if p.isdigit() else 0 for p in Path(d).parent.name.split(".")], reverse=True)
    for d in dirs:
        candidate = os.path.join(d, name)
        if os.access(candidate, os.X_OK):
            return candidate
    return found if allow_wrapper else None
