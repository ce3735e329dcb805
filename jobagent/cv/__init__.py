"""CV reading (PDF, DOCX, text, URLs; parsed in a sandbox, ``cv.stored.read_source``) and rule-based profile
extraction."""

from __future__ import annotations

from typing import Any

__all__ = ["extract_profile"]


def __getattr__(name: str) -> Any:
    """Lazy exports (PEP 562): the sandboxed CV parser (``python -m jobagent.cv.sandbox_server``) imports only the
    readers, not the extraction vocabularies, so each parse starts faster (issue 11)."""
    if name == "extract_profile":
        from jobagent.cv.extraction import extract_profile

        return extract_profile
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
