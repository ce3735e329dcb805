"""Which PDF reader gives the parser its lines in reading order (issue 26 §2): pypdf's text visitor (the
reader before, widths estimated: the baseline), pdfminer.six's glyphs (``jobagent/cv/pdf_words.py``, what
the reader uses now) and pdfplumber's ``extract_words`` (when it is installed; it is not a dependency).

Run: ``python benchmarks/bench_cv_pdf_readers.py``. It renders the PDF CVs of the tests/cv_truth.py corpus
(pdf_single, pdf_sidebar, pdf_table, pdf_footer: 48 of the 90 by default, ``BENCH_CVS`` and ``BENCH_SEED``
as in bench_cv_fields.py), gives each reader's page text, arranged by ``jobagent/cv/pdf_layout.py``, to
``extract_profile`` and scores it with tests/cv_fields.py. It prints each reader's accuracy over the fields
the profile holds, per PDF layout, and its median time to read one CV, with the ratios to the baseline
measured in the same run. The last line is one JSON object.
"""

from __future__ import annotations

import io
import json
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.cv_fields import not_extracted, overall, score_profile  # noqa: E402
from tests.cv_truth import SEED, SIZE, TODAY, corpus  # noqa: E402

PDF_LAYOUTS = ("pdf_single", "pdf_sidebar", "pdf_table", "pdf_footer")


def _pypdf(data: bytes) -> list[str]:
    from pypdf import PdfReader

    from jobagent.cv.pdf_layout import page_text

    return [page_text(page) or page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def _pdfminer(data: bytes) -> list[str]:
    from jobagent.cv.pdf_layout import arrange
    from jobagent.cv.pdf_words import pdf_pages

    return [arrange(words) for words in pdf_pages(data, 40)]


def _pdfplumber(data: bytes) -> list[str]:
    import pdfplumber

    from jobagent.cv.pdf_layout import Fragment, arrange

    pages = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            words = page.extract_words(extra_attrs=["fontname", "size"])
            pages.append(arrange([Fragment(w["x0"], float(page.height) - w["bottom"], w["x1"] - w["x0"], w["text"],
                                           w["size"], "bold" in w["fontname"].lower()) for w in words]))
    return pages


def _readers() -> dict[str, Callable[[bytes], list[str]]]:
    readers: dict[str, Callable[[bytes], list[str]]] = {"pypdf": _pypdf, "pdfminer": _pdfminer}
    try:
        import pdfplumber  # noqa: F401
    except ImportError:
        print("pdfplumber is not installed: measured pypdf and pdfminer.six only")
    else:
        readers["pdfplumber"] = _pdfplumber
    return readers


def main() -> None:
    from jobagent.cv.extraction import extract_profile
    from jobagent.cv.readers import _tidy
    from tests.cv_layouts import render

    size = int(os.environ.get("BENCH_CVS", str(SIZE)))
    people = [t for t in corpus(size, int(os.environ.get("BENCH_SEED", str(SEED)))) if t.layout in PDF_LAYOUTS]
    today = date(TODAY[0], TODAY[1], 15)
    missing = not_extracted()
    readers = _readers()
    samples: dict[str, dict[str, list[float]]] = {name: defaultdict(list) for name in readers}
    by_layout: dict[str, dict[str, dict[str, list[float]]]] = {name: {} for name in readers}
    times: dict[str, list[float]] = {name: [] for name in readers}
    with tempfile.TemporaryDirectory() as tmp:
        for t in people:
            data = render(t, Path(tmp)).read_bytes()
            for name, read in readers.items():
                t0 = time.perf_counter()
                text = _tidy("\n".join(read(data)))
                times[name].append((time.perf_counter() - t0) * 1000)
                try:
                    profile: Any = extract_profile(text, today=today)
                except Exception:  # noqa: BLE001 - a refusal counts as wrong in every field
                    profile = None
                scores = score_profile(t, profile)
                layout = by_layout[name].setdefault(t.layout, defaultdict(list))
                for f, values in scores.items():
                    samples[name][f].extend(values)
                    layout[f].extend(values)
    out: dict[str, Any] = {"bench": "cv_pdf_readers", "cvs": len(people), "baseline": "pypdf", "readers": {}}
    base_accuracy = overall(samples["pypdf"], skip=missing)
    base_ms = statistics.median(times["pypdf"])
    for name in readers:
        accuracy = overall(samples[name], skip=missing)
        ms = statistics.median(times[name])
        layouts = {k: round(overall(v, skip=missing), 3) for k, v in sorted(by_layout[name].items())}
        print(f"{name:<11} accuracy {accuracy:.3f} (x{accuracy / base_accuracy:.3f} of pypdf), "
              f"median {ms:.1f} ms per CV (x{ms / base_ms:.2f} of pypdf); "
              + ", ".join(f"{k} {v:.3f}" for k, v in layouts.items()))
        out["readers"][name] = {"accuracy": round(accuracy, 4), "accuracy_ratio": round(accuracy / base_accuracy, 4),
                                "median_ms": round(ms, 1), "time_ratio": round(ms / base_ms, 2),
                                "per_layout": layouts}
    best = max(out["readers"], key=lambda n: (out["readers"][n]["accuracy"], -out["readers"][n]["median_ms"]))
    out["best"] = best
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
