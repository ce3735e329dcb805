"""Reading a CV from a local path: a regular file only, opened non-blocking, read once (issue 11).

Its own module because both submit (``cv.intake``) and the readers (``cv.readers``) need it, and the
readers run inside the sandboxed child that intake starts.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from jobagent.errors import InvalidInput


def read_local_file(source: str, max_bytes: int) -> bytes:
    """The bytes of a regular file, at most ``max_bytes``.

    Opened with ``O_NONBLOCK`` and checked with ``fstat`` on the open descriptor, so a FIFO (which would
    block ``open`` until a writer comes, forever) or a device is refused at once, and what is checked is
    exactly what is read (no swap between a ``stat`` and the ``open``).
    """
    from jobagent.fetching import human_size

    path = Path(source).expanduser()
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise InvalidInput(f"CV file not found: {source}") from None
    except OSError as exc:
        raise InvalidInput(f"cannot read CV file {source}: {exc.strerror or exc}") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        if stat.S_ISDIR(info.st_mode):
            raise InvalidInput(f"CV path is a directory, not a file: {source}")
        raise InvalidInput(f"CV path is not a regular file: {source} (a pipe, socket or device)")
    with os.fdopen(fd, "rb", buffering=0) as fh:
        size = info.st_size
        if size > max_bytes:
            raise InvalidInput(f"CV file is larger than {human_size(max_bytes)}: {source} ({human_size(size)})")
        try:
            chunks, left = [], max_bytes + 1  # the file may grow while it is read
            while left > 0 and (chunk := fh.read(min(left, 1024 * 1024))):
                chunks.append(chunk)
                left -= len(chunk)
        except OSError as exc:
            raise InvalidInput(f"cannot read CV file {source}: {exc.strerror or exc}") from None
    data = b"".join(chunks)
    if len(data) > max_bytes:
        raise InvalidInput(f"CV file is larger than {human_size(max_bytes)}: {source}")
    return data
