"""The relevance ratchet (issue 24 §1): the bench's 16 personas over a smaller feed, on both backends, held to
the floor recorded in tests/relevance_floor.json. A ranking change that loses relevance fails here; one that
gains it raises the floor in the same commit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.relevance_bench import run_bench
from tests.relevance_corpus import DECOY_KINDS, PERSONAS, bench_feed

FLOOR = json.loads((Path(__file__).resolve().parent.parent / "relevance_floor.json").read_text(encoding="utf-8"))


def test_the_bench_hides_every_persona_s_postings_where_shortcuts_miss_them() -> None:
    feed, labels = bench_feed(filler=FLOOR["filler"])
    position = {p["id"]: i for i, p in enumerate(feed)}
    assert len(labels) == len(PERSONAS) >= 16 and len({p.lang for p in PERSONAS}) == 6
    for kinds in labels.values():
        assert sorted(set(kinds.values()) - {"right"}) == sorted(DECOY_KINDS)
        assert all(position[pid] >= FLOOR["filler"] // 2 for pid in kinds)


@pytest.mark.parametrize("store_url", ["postgres", "sqlite"], indirect=True)
def test_relevance_stays_at_or_above_its_floor(env, store_url: str, tmp_path: Path) -> None:
    env(database_url=store_url)
    figures = run_bench(tmp_path, filler=FLOOR["filler"])
    floor = FLOOR["postgresql" if store_url.startswith("postgresql") else "sqlite"]
    print(json.dumps(figures))
    assert figures["recall_at_5"] >= floor["recall_at_5"], figures
    assert figures["ndcg_at_10"] >= floor["ndcg_at_10"], figures
    assert figures["mrr"] >= floor["mrr"], figures
    assert figures["decoys_above"] <= floor["decoys_above"], figures
