"""The relevance bench's runner and measures, shared by ``benchmarks/bench_relevance.py`` and the CI slice
(``tests/integration/test_relevance_bench.py``), so the ratchet measures exactly what the bench prints.

The user's two paths, through the core API as the CLI calls it: a profile built from the persona's CV and
its ``--from-profile`` searches (matches of all its runs merged by best score, as a digest shows them), and a
plain search for the persona's title in their city. Measures per path: recall@5 (share of the three right
postings in the first five), nDCG@10 (binary gains), MRR, and the decoys ranked above the best right posting
(all decoys shown, when no right posting is shown at all).
"""

from __future__ import annotations

import json
import math
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.relevance_corpus import PERSONAS, Persona, bench_feed, cv_text


@dataclass
class Measure:
    recall_at_5: float
    ndcg_at_10: float
    mrr: float
    decoys_above: list[str] = field(default_factory=list)  # the decoy kinds, one per decoy


def measure(ranked: list[str], kinds: dict[str, str]) -> Measure:
    right = {pid for pid, kind in kinds.items() if kind == "right"}
    gains = [1.0 if pid in right else 0.0 for pid in ranked[:10]]
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains))
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(len(right), 10)))
    first = next((i for i, pid in enumerate(ranked) if pid in right), None)
    above = ranked if first is None else ranked[:first]
    return Measure(recall_at_5=len(right & set(ranked[:5])) / len(right), ndcg_at_10=dcg / ideal if ideal else 0.0,
                   mrr=0.0 if first is None else 1.0 / (first + 1),
                   decoys_above=[kinds[pid] for pid in above if pid in kinds and kinds[pid] != "right"])


def _ids(run_ids: list[str]) -> list[str]:
    """Bench posting ids (from their URLs) of the runs' matches, best score first, each once."""
    from jobagent.api import postings as postings_api

    best: dict[str, float] = {}
    for run_id in run_ids:
        for m in postings_api.list_matches(run_id):
            pid = (m.url or "").rsplit("/", 1)[-1]
            best[pid] = max(best.get(pid, -1.0), m.score)
    return sorted(best, key=lambda pid: (-best[pid], pid))


def prepare(tmp: Path, personas: tuple[Persona, ...], filler: int) -> tuple[str, dict[str, dict[str, str]]]:
    """Write the feed and harvest it into the configured store; returns its source spec and the labels."""
    from jobagent.api import ops
    from jobagent.postings.harvest import harvest_source

    ops.ensure_schema()
    feed, labels = bench_feed(personas, filler=filler)
    path = tmp / "relevance_feed.json"
    path.write_text(json.dumps(feed), encoding="utf-8")
    spec = f"feed:{path}"
    report = harvest_source(spec)
    if report.outcome == "failed":
        raise RuntimeError(f"the bench feed did not harvest: {report.error}")
    return spec, labels


def run_persona(persona: Persona, spec: str, kinds: dict[str, str], tmp: Path) -> dict[str, Measure]:
    from jobagent.api import runs as runs_api

    out: dict[str, Measure] = {}
    city = persona.places[0].split(",")[0]
    plain = runs_api.submit_job_search(persona.title, location=city, sources=[spec], num_results=10,
                                       max_screening=10)
    out["plain"] = measure(_ids([plain.run_id]), kinds)
    cv = tmp / f"{persona.key}.md"
    cv.write_text(cv_text(persona), encoding="utf-8")
    profiled = runs_api.submit_profiling(persona.name, f"{persona.key.replace('-', '.')}@example.org", [str(cv)])
    status = runs_api.get_status(profiled.run_id).model_dump()
    profile_id = (status.get("result") or {}).get("profile_id")
    try:
        runs = runs_api.submit_searches_from_profile(str(profile_id), sources=[spec], num_results=10,
                                                     max_screening=10) if profile_id else []
    except Exception:  # noqa: BLE001 - a profile that cannot search (no location, no titles) scores zero
        runs = []
    out["from_profile"] = measure(_ids([r.run_id for r in runs]), kinds)
    return out


def summarise(results: dict[str, dict[str, Measure]]) -> dict[str, Any]:
    every = [m for per in results.values() for m in per.values()]
    kinds: dict[str, int] = {}
    for m in every:
        for k in m.decoys_above:
            kinds[k] = kinds.get(k, 0) + 1
    return {"personas": len(results), "searches": len(every),
            "recall_at_5": round(statistics.fmean(m.recall_at_5 for m in every), 3),
            "ndcg_at_10": round(statistics.fmean(m.ndcg_at_10 for m in every), 3),
            "mrr": round(statistics.fmean(m.mrr for m in every), 3),
            "decoys_above": sum(len(m.decoys_above) for m in every), "decoy_kinds_above": kinds}


def run_bench(tmp: Path, personas: tuple[Persona, ...] = PERSONAS, filler: int = 3000,
              printer: Any = None) -> dict[str, Any]:
    spec, labels = prepare(tmp, personas, filler)
    results: dict[str, dict[str, Measure]] = {}
    for persona in personas:
        results[persona.key] = run_persona(persona, spec, labels[persona.key], tmp)
        if printer:
            for path, m in results[persona.key].items():
                printer(f"{persona.key:24} {path:12} recall@5={m.recall_at_5:.2f} nDCG@10={m.ndcg_at_10:.2f} "
                        f"MRR={m.mrr:.2f} decoys_above={len(m.decoys_above)} {','.join(m.decoys_above)}")
    return summarise(results)
