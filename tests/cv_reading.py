"""A CV read the way a profiling run reads it (``jobagent.cv.stored.read_source``): local files and URLs,
then the bytes parsed in the sandboxed child process. ``cv.readers.read_cv`` once did this in-process for
tests alone, bypassing the sandbox; issue 28 §5 deleted it."""

from __future__ import annotations

from typing import Any

from jobagent.config import get_settings
from jobagent.cv.schema import CVDocument
from jobagent.cv.stored import read_source


def read_cv(source: str, *, max_bytes: int | None = None, timeout: float | None = None,
            allow_private: bool = False) -> CVDocument:
    """``source`` (a path or an http(s) URL) read under the settings a worker has, with the given limits."""
    update: dict[str, Any] = {"allow_private_urls": allow_private}
    if max_bytes is not None:
        update["cv_max_bytes"] = max_bytes
    if timeout is not None:
        update["http_timeout"] = timeout
    return read_source(source, None, get_settings().model_copy(update=update))


def parse_cv_file(path: str) -> CVDocument:
    """The file's bytes through the parser the sandbox's child runs (``read_cv_bytes``), in this process.

    For corpus tests that read a hundred CVs to check what extraction makes of them: the sandbox's own
    process start-up (about a second each on a busy machine) would dominate them and tests nothing they
    check. Reading, limits and refusals are tested through ``read_cv`` above."""
    from pathlib import Path

    from jobagent.cv.readers import read_cv_bytes

    return read_cv_bytes(path, Path(path).read_bytes(), suffix=Path(path).suffix.lower())
