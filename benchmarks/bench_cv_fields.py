"""CV field-accuracy bench (issue 26 §1): how much of what a CV says does the profile get right?

Run: ``python benchmarks/bench_cv_fields.py``. It generates the corpus of ``tests/cv_truth.py`` (90 CVs
by default: 12 professions, en/de/nl/fr/es/pt, ten PDF/DOCX/Markdown/text layouts, seeded), renders each
with ``tests/cv_layouts.py``, builds its profile in-process the way the profiling workflow does (the
reader the sandboxed child runs, then ``extract_profile``) and scores it with ``tests/cv_fields.py``.

Knobs: ``BENCH_CVS`` (how many CVs, 90 by default; at least 60 pairs every language with every layout),
``BENCH_SEED`` (another corpus), ``BENCH_SANDBOX=1`` (parse in the sandboxed child process, as the worker
does: slower, same text), ``BENCH_KEEP=DIR`` (keep the generated files there, to look at a failure),
``BENCH_RAISE_FLOOR=1`` (score the CI slice instead and raise tests/cv_fields_floor.json to it; a figure
in that file never goes down).

It prints each field's accuracy, overall (all fields; the contact fields the profile does not hold count
as 0 and are named as not extracted), overall over the fields it holds, per language and per layout, the
CVs that scored worst, and any the parser refused or crashed on (kept in the count, wrong in every field).
The last line is one JSON object. The CI slice (tests/unit/test_cv_fields_bench.py) holds a third of the
corpus to the floor in tests/cv_fields_floor.json.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.cv_fields import figures, raised_floor, run  # noqa: E402
from tests.cv_truth import SEED, SIZE, ci_slice, corpus  # noqa: E402

FLOOR = ROOT / "tests" / "cv_fields_floor.json"


def _table(title: str, rows: dict[str, float]) -> None:
    print(f"{title}:")
    for name, value in rows.items():
        print(f"  {name:<32} {value:6.3f}")


def main() -> None:
    size = int(os.environ.get("BENCH_CVS", str(SIZE)))
    seed = int(os.environ.get("BENCH_SEED", str(SEED)))
    sandbox = os.environ.get("BENCH_SANDBOX", "") == "1"
    keep = os.environ.get("BENCH_KEEP", "")
    people = corpus(size, seed)
    raising = os.environ.get("BENCH_RAISE_FLOOR", "") == "1"
    if raising:
        people = ci_slice(corpus())
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(keep or tmp)
        directory.mkdir(parents=True, exist_ok=True)
        report = run(people, directory, sandbox=sandbox)
    seconds = round(time.perf_counter() - t0, 1)
    out = figures(report)
    missing = set(out["not_extracted"])
    _table("fields", {f + (" (not extracted)" if f in missing else ""): v for f, v in out["fields"].items()})
    _table("per language (fields the profile holds)", out["per_language"])
    _table("per layout (fields the profile holds)", out["per_layout"])
    print(f"overall {out['overall']:.3f} (all fields), {out['overall_extracted']:.3f} (fields the profile holds)")
    print(f"extracted jobs paired with no true job: {out['extra_entries']}")
    worst = sorted(report.per_cv.items(), key=lambda kv: kv[1])[:8]
    print("worst CVs: " + ", ".join(f"{key} {value:.2f}" for key, value in worst))
    for key, reason in sorted(report.crashed.items()):
        print(f"parser failed on {key}: {reason}")
    if raising:
        floor = raised_floor(json.loads(FLOOR.read_text(encoding="utf-8")), out)
        FLOOR.write_text(json.dumps(floor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"raised {FLOOR.relative_to(ROOT)} to the CI slice's figures")
    print(json.dumps({"bench": "cv_fields", "seed": seed, "seconds": seconds, **out}, ensure_ascii=False))


if __name__ == "__main__":
    main()
