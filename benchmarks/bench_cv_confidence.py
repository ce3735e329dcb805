"""Do the profile's confidences point at its mistakes? (issue 26 §3)

Run: ``python benchmarks/bench_cv_confidence.py``. It builds the profile of every CV in the tests/cv_truth.py
corpus (90 by default; ``BENCH_CVS``, ``BENCH_SEED`` as in bench_cv_fields.py), scores each graded field
against the truth with tests/cv_fields.py (location as city, level, years, the current job, languages,
education, each entry's title and employer) and splits the samples by grade: "sure" (high) or "marked"
(medium, low, missing: what ``profile show`` asks the person to check).

It prints the accuracy of each group, the share of fields marked, the share of wrong fields that were
marked (what a person who checks only the marks would catch) and, as the ratio against the baseline of
marking nothing (every field trusted alike), how much likelier a marked field is to be wrong than a sure
one. The last line is one JSON object.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.cv_fields import pair_entries, profile_of, score_profile  # noqa: E402
from tests.cv_truth import SEED, SIZE, corpus  # noqa: E402

# grade key -> the score field that says whether it is right (all samples right for a list field)
FIELDS = {"location": "city", "level": "level", "years_experience": "years", "titles_held": "current_job",
          "languages": "languages", "education": "education"}


def _samples(t: Any, profile: Any) -> list[tuple[str, str, bool]]:
    """(field, grade, right) for each graded field of one profile."""
    from jobagent.cv.confidence import SURE

    scores = score_profile(t, profile)
    grades = profile.confidence
    out = [(key, grades[key], min(scores[field]) == 1.0) for key, field in FIELDS.items() if key in grades]
    entries = list(profile.experience)
    for n, got in enumerate(pair_entries(t.entries, entries)):
        if got is None:
            continue
        graded = grades["entries"][entries.index(got)]
        for part, field in (("title", "entry_title"), ("employer", "entry_employer")):
            out.append((f"entry_{part}", graded[part], scores[field][n] == 1.0))
    return [(f, "sure" if g in SURE else "marked", right) for f, g, right in out]


def main() -> None:
    from tests.cv_layouts import render

    people = corpus(int(os.environ.get("BENCH_CVS", str(SIZE))), int(os.environ.get("BENCH_SEED", str(SEED))))
    counts: dict[tuple[str, bool], int] = defaultdict(int)
    per_field: dict[str, dict[str, list[int]]] = defaultdict(lambda: {"sure": [0, 0], "marked": [0, 0]})
    with tempfile.TemporaryDirectory() as tmp:
        for t in people:
            profile = profile_of(render(t, Path(tmp)))
            for field, group, right in _samples(t, profile):
                counts[(group, right)] += 1
                per_field[field][group][0] += right
                per_field[field][group][1] += 1
    sure = counts[("sure", True)] + counts[("sure", False)]
    marked = counts[("marked", True)] + counts[("marked", False)]
    wrong = counts[("sure", False)] + counts[("marked", False)]
    total = sure + marked
    sure_error = counts[("sure", False)] / sure if sure else 0.0
    marked_error = counts[("marked", False)] / marked if marked else 0.0
    base_error = wrong / total if total else 0.0  # the baseline: no marks, every field trusted alike
    caught = counts[("marked", False)] / wrong if wrong else 1.0
    print(f"graded fields: {total} over {len(people)} CVs; wrong: {wrong} ({base_error:.3f})")
    print(f"sure:   {sure:4d} fields, accuracy {1 - sure_error:.3f}")
    print(f"marked: {marked:4d} fields ({marked / total:.1%}), accuracy {1 - marked_error:.3f}")
    print(f"wrong fields that were marked: {counts[('marked', False)]} of {wrong} ({caught:.1%})")
    ratio = marked_error / sure_error if sure_error else float("inf")
    print(f"a marked field is wrong {marked_error / base_error if base_error else 0:.1f}x as often as the "
          f"unmarked baseline's field, {ratio:.1f}x as often as a sure one")
    for field, groups in sorted(per_field.items()):
        print(f"  {field:<18} " + ", ".join(f"{g} {r}/{n}" for g, (r, n) in groups.items()))
    print(json.dumps({"bench": "cv_confidence", "cvs": len(people), "fields": total, "wrong": wrong,
                      "sure_accuracy": round(1 - sure_error, 4), "marked_accuracy": round(1 - marked_error, 4),
                      "marked_share": round(marked / total, 4) if total else 0.0,
                      "wrong_marked_share": round(caught, 4), "baseline_error": round(base_error, 4),
                      "marked_vs_baseline_error": round(marked_error / base_error, 2) if base_error else None,
                      "marked_vs_sure_error": round(ratio, 2) if sure_error else None}))


if __name__ == "__main__":
    main()
