"""What a harvest reads off each posting before storing it: its language, its employment kinds and
(issue 24 §5) whether its own text or dates say it is closed.

Pure (no store): ``harvest_store.store_harvest`` calls ``mark`` on every posting, so new and changed rows
carry the same derived fields however the source wrote them, and a posting's next harvest recomputes them.
"""

from __future__ import annotations

from datetime import datetime

from jobagent.languages import detect
from jobagent.postings.employment import kinds_text, parse_kinds
from jobagent.postings.liveness import closed_reason
from jobagent.postings.schema import PostingData


def mark(posting: PostingData, now: datetime) -> PostingData:
    """``posting`` with ``language`` (when the source gave none), ``employment_kinds`` and, when its text or
    its closing date says so, ``closed_reason`` filled in (a reason the source gave is kept)."""
    language = posting.language or detect(f"{posting.title}\n{posting.description[:1500]}")
    kinds = parse_kinds(posting.title, posting.description, posting.employment_type, language=language)
    reason = posting.closed_reason or closed_reason(posting.title, posting.description, posting.valid_through, now)
    return posting.model_copy(update={"language": language, "employment_kinds": kinds_text(kinds),
                                      "closed_reason": reason[:200] if reason else None})
