"""CV parsing sandbox: what the child process costs per CV, and what the bombs cost with it.

Run: ``python benchmarks/bench_cv_sandbox.py``. Prints milliseconds per parse of an ordinary PDF and DOCX
CV in-process (the baseline, measured in the same run) and in the sandboxed child, with their ratio; then
the child's peak RSS and wall time for each bomb of tests/bombs.py. Compare ratios, not absolute times:
this machine is shared and noisy.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ROUNDS = 5


def _ms(fn) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(ROUNDS):
        began = time.perf_counter()
        fn()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def main() -> None:
    from jobagent.config import get_settings
    from jobagent.cv.readers import read_cv_bytes
    from jobagent.cv.sandbox import parse_cv_bytes
    from jobagent.errors import InvalidInput
    from tests.bombs import make_docx_bomb, make_pdf_bomb
    from tests.documents import make_docx, make_pdf

    settings = get_settings()
    where = Path(tempfile.mkdtemp(prefix="bench-cv-"))
    for kind, path in (("pdf", make_pdf(where / "cv.pdf")), ("docx", make_docx(where / "cv.docx"))):
        data = path.read_bytes()
        inline = _ms(lambda: read_cv_bytes(str(path), data, suffix=path.suffix))  # noqa: B023
        child = _ms(lambda: parse_cv_bytes(str(path), data, suffix=path.suffix, settings=settings))  # noqa: B023
        print(f"{kind:5} CV: in-process {inline:7.1f} ms, sandboxed {child:7.1f} ms, ratio {child / inline:5.1f}x")
    bombs = {"docx 1 GB inflated": make_docx_bomb(where / "bomb.docx"),
             "pdf 6 x 70 MB pages": make_pdf_bomb(where / "bomb.pdf"),
             "pdf 20 x 7 MB pages": make_pdf_bomb(where / "bomb20.pdf", pages=20, inflated_per_page=7_000_000),
             "pdf 3 x 7 MB pages": make_pdf_bomb(where / "bomb3.pdf", pages=3, inflated_per_page=7_000_000)}
    for name, path in bombs.items():
        stats: dict = {}
        try:
            parse_cv_bytes(str(path), path.read_bytes(), suffix=path.suffix, settings=settings, stats=stats)
            verdict = "read (!)"
        except InvalidInput as exc:
            verdict = str(exc).split(": /")[0]
        print(f"{name:22} {path.stat().st_size / 1e6:5.2f} MB on disk: peak RSS {stats['peak_rss_mb']:6.1f} MB, "
              f"{stats['seconds']:5.1f} s, {stats['outcome']}: {verdict}")


if __name__ == "__main__":
    main()
