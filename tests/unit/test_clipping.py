"""The clipping limits are the postings table's own column lengths, and clipped text stays whole."""

from __future__ import annotations

from jobagent.limits import MAX_ETAG, MAX_LAST_MODIFIED
from jobagent.postings.clipping import FIELD_LIMITS, clip_posting, clip_text, storable_validators
from jobagent.postings.schema import PostingData
from jobagent.store.models import Posting, SourceState


def test_field_limits_are_the_column_lengths() -> None:
    columns = {c.name: c.type.length for c in Posting.__table__.columns if getattr(c.type, "length", None)}
    assert {name: columns[name] for name in FIELD_LIMITS} == FIELD_LIMITS
    assert set(PostingData.model_fields) >= set(FIELD_LIMITS)
    state = SourceState.__table__.columns
    assert (state["etag"].type.length, state["last_modified"].type.length) == (MAX_ETAG, MAX_LAST_MODIFIED)


def test_clip_text_cuts_whole_characters_at_a_space() -> None:
    text = "ü" * 10 + " " + "€" * 10
    assert clip_text(text, 24) == "ü" * 10  # 20 bytes, then the space: the half-word of euros goes
    assert clip_text("€" * 10, 7) == "€€"  # a character cut by the byte limit is dropped, not broken
    assert clip_text("short", 100) == "short"


def test_clip_posting_and_validators() -> None:
    p = PostingData(source="s", external_id="x" * 400, title="t" * 301, company="c", description="w " * 60_000)
    clipped = clip_posting(p)
    assert (len(clipped.external_id), len(clipped.title)) == (300, 300)
    assert len(clipped.description.encode()) <= 100_000 and clipped.description.startswith("w w")
    ok = PostingData(source="s", external_id="1", title="t", company="c")
    assert clip_posting(ok) is ok
    assert storable_validators({"etag": "e" * 501, "last_modified": "Mon"}) == {"etag": None, "last_modified": "Mon"}
