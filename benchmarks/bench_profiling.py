"""Profiling throughput: 100 generated two-page CVs (PDF and DOCX), read + structured extraction.

Run: PYTHONPATH=. python3 benchmarks/bench_profiling.py
Prints the median and p95 per CV for each format and, as the baseline measured in the same run, the
median of plain text reading alone (pypdf ``extract_text`` / python-docx paragraphs, no layout, no
extraction), so the ratio shows what structure costs on top of getting the text at all.
"""

from __future__ import annotations

import io
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from jobagent.cv import extract_profile  # noqa: E402
from jobagent.cv.readers import read_cv_bytes  # noqa: E402  (what the sandbox child runs)
from tests import cv_corpus as corpus  # noqa: E402

N = 100
TARGET_MS = 150.0


def _two_pages(case: corpus.Case, i: int) -> corpus.Case:
    """Eight jobs of five bullets each, so every CV runs onto a second page."""
    jobs = []
    for k in range(8):
        base = case.jobs[k % len(case.jobs)]
        start = 2025 - 2 * k
        jobs.append(replace(base, employer=f"{base.employer} {k + 1}", dates=f"Jan {start - 1} – Dec {start}",
                            bullets=[f"{b} Delivered for programme {i}-{k}-{j}." for j, b in
                                     enumerate((base.bullets * 5)[:5])]))
    return replace(case, jobs=jobs)


def _plain(path: Path) -> str:
    data = path.read_bytes()
    if path.suffix == ".pdf":
        from pypdf import PdfReader

        return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)
    import docx

    return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)


def main() -> None:
    today = date(2026, 11, 28)
    extract_profile(corpus.SRE_TEXT, today=today)  # load vocabularies once, as a worker does
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        for fmt in ("pdf", "docx"):
            paths = []
            for i in range(N):
                case = _two_pages(corpus.CASES[i % len(corpus.CASES)], i)
                case = replace(case, key=f"{case.key}{i}")
                paths.append(corpus.write(case, fmt, directory))
            if fmt == "pdf":
                from pypdf import PdfReader

                pages = [len(PdfReader(str(p)).pages) for p in paths]
                assert min(pages) >= 2, pages
            full, base = [], []
            for path in paths:
                t0 = time.perf_counter()
                doc = read_cv_bytes(str(path), path.read_bytes(), suffix=path.suffix)
                profile = extract_profile(doc.text, today=today)
                full.append((time.perf_counter() - t0) * 1000)
                assert len(profile.experience) == 8, (path, len(profile.experience))
                t0 = time.perf_counter()
                _plain(path)
                base.append((time.perf_counter() - t0) * 1000)
            median, p95 = statistics.median(full), sorted(full)[int(N * 0.95) - 1]
            baseline = statistics.median(base)
            verdict = "OK" if median <= TARGET_MS else "OVER TARGET"
            print(f"{fmt}: {N} two-page CVs, read+extract median {median:.1f} ms, p95 {p95:.1f} ms "
                  f"(target <= {TARGET_MS:.0f} ms: {verdict}); plain text reading median {baseline:.1f} ms; "
                  f"ratio {median / baseline:.2f}x")


if __name__ == "__main__":
    main()
