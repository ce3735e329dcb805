"""CV parsing sandbox: what the child process costs per CV, and what the bombs cost with it.

Run: ``python benchmarks/bench_cv_sandbox.py``. Prints, all measured in this run:

- median milliseconds per parse of a 2-page PDF and a DOCX CV in-process (the baseline) and in the sandbox
  (a child forked by the warm server), the difference (issue 26 §4 aims at <= 50 ms for the PDF), and a
  one-shot child as the sandbox used to start (a fresh interpreter importing the readers) for comparison;
- the server's start-up, paid once per process;
- ``profile create --wait`` in embedded mode against 2 x the in-process profiling time (a fresh process
  reading and extracting the CV, its imports included) plus the CLI start-up (``jobagent --help``);
- the child's peak RSS and wall time for each bomb of tests/bombs.py.

Compare ratios, not absolute times: this machine is shared and noisy. The last line is one JSON object.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ROUNDS = 9
CLI_ROUNDS = 3


def _ms(fn) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(ROUNDS):
        began = time.perf_counter()
        fn()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def _two_page_pdf(path: Path) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from tests.documents import CV_LINES

    c = canvas.Canvas(str(path), pagesize=A4)
    for page in (CV_LINES, [*CV_LINES[7:13], "Education", "MSc Computer Science, TU Munich, 2015 - 2017",
                            "Languages", "German (native), English (C1)"] * 3):
        y = 800
        for line in page:
            c.drawString(50, y, line)
            y -= 16
        c.showPage()
    c.save()
    return path


def _wall(cmd: list[str], env: dict[str, str], stdin: bytes | None = None) -> float:
    began = time.perf_counter()
    subprocess.run(cmd, env=env, input=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return (time.perf_counter() - began) * 1000


_ONE_SHOT = ("import sys; from jobagent.cv.readers import read_cv_bytes; "
             "read_cv_bytes('cv', sys.stdin.buffer.read(), suffix=sys.argv[1])")
_IN_PROCESS = ("import sys, time; t = time.perf_counter(); from jobagent.cv.readers import read_cv_bytes; "
               "from jobagent.cv.extraction import extract_profile; "
               "extract_profile(read_cv_bytes('cv', open(sys.argv[1], 'rb').read(), suffix='.pdf').text); "
               "print((time.perf_counter() - t) * 1000)")


# The same CLI with the sandbox swapped for an in-process parse: what the sandbox adds end to end.
_CLI_IN_PROCESS = ("import sys; import jobagent.cv.sandbox as box; from jobagent.cv.readers import read_cv_bytes; "
                   "box.warm = lambda: None; "
                   "box.parse_cv_bytes = lambda source, data, suffix='', content_type=None, settings=None, "
                   "stats=None: read_cv_bytes(source, data, suffix=suffix); "
                   "from jobagent.cli import main; sys.argv[0] = 'jobagent'; main()")


def _cli_figures(pdf: Path, where: Path) -> dict[str, float]:
    """Embedded ``profile create --wait`` against 2 x in-process profiling + CLI start-up, and against the
    same command parsing in-process; medians."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("JOBAGENT_") and k not in
           ("DATABASE_URL", "REDIS_URL")}
    env.update(JOBAGENT_DATA_DIR=str(where / "data"), PYTHONPATH=str(ROOT))
    create = [sys.executable, "-m", "jobagent.cli", "profile", "create", "--name", "Alex Morgan", "--email",
              "alex@example.org", "--cv", str(pdf), "--wait"]
    _wall(create, env)  # the first creates and migrates the SQLite store; a user pays that once
    cli = statistics.median(_wall(create, env) for _ in range(CLI_ROUNDS))
    unboxed = statistics.median(_wall([sys.executable, "-c", _CLI_IN_PROCESS, *create[3:]], env)
                                for _ in range(CLI_ROUNDS))
    startup = statistics.median(_wall([sys.executable, "-m", "jobagent.cli", "--help"], env)
                                for _ in range(CLI_ROUNDS))
    profiling = statistics.median(
        float(subprocess.run([sys.executable, "-c", _IN_PROCESS, str(pdf)], env=env, capture_output=True,
                             text=True, check=True).stdout) for _ in range(CLI_ROUNDS))
    return {"cli": cli, "unboxed": unboxed, "startup": startup, "profiling": profiling}


def main() -> None:
    from jobagent.config import get_settings
    from jobagent.cv import sandbox
    from jobagent.cv.isolation import child_env
    from jobagent.cv.readers import read_cv_bytes
    from jobagent.cv.sandbox import parse_cv_bytes
    from jobagent.errors import InvalidInput
    from tests.bombs import make_docx_bomb, make_pdf_bomb
    from tests.documents import make_docx

    settings = get_settings()
    where = Path(tempfile.mkdtemp(prefix="bench-cv-"))
    figures: dict[str, float] = {}
    began = time.perf_counter()
    sandbox.probe_child()  # starts the pool's first server and waits for its first answer
    figures["server_start_ms"] = (time.perf_counter() - began) * 1000
    print(f"sandbox server start-up (once per process): {figures['server_start_ms']:7.1f} ms")
    for kind, path in (("pdf", _two_page_pdf(where / "cv.pdf")), ("docx", make_docx(where / "cv.docx"))):
        data = path.read_bytes()
        inline = _ms(lambda: read_cv_bytes(str(path), data, suffix=path.suffix))  # noqa: B023
        child = _ms(lambda: parse_cv_bytes(str(path), data, suffix=path.suffix, settings=settings))  # noqa: B023
        env = child_env(where)
        one_shot = statistics.median(_wall([sys.executable, "-c", _ONE_SHOT, path.suffix], env, data)
                                     for _ in range(3))
        figures.update({f"{kind}_in_process_ms": inline, f"{kind}_sandboxed_ms": child,
                        f"{kind}_one_shot_ms": one_shot})
        label = "2-page pdf" if kind == "pdf" else kind
        print(f"{label:10} CV: in-process {inline:7.1f} ms, sandboxed {child:7.1f} ms, ratio {child / inline:5.1f}x, "
              f"sandbox adds {child - inline:6.1f} ms (one-shot child as before: {one_shot:7.1f} ms, "
              f"{one_shot / child:4.1f}x the sandbox)")
    cli = _cli_figures(where / "cv.pdf", where)
    bound = 2 * cli["profiling"] + cli["startup"]
    print(f"profile create --wait (embedded) {cli['cli']:7.1f} ms; in-process profiling {cli['profiling']:7.1f} ms, "
          f"CLI start-up {cli['startup']:7.1f} ms: {cli['cli'] / bound:4.2f} of 2 x profiling + start-up "
          f"({bound:7.1f} ms)")
    print(f"profile create --wait (embedded) with an in-process parse {cli['unboxed']:7.1f} ms: the sandbox adds "
          f"{cli['cli'] - cli['unboxed']:7.1f} ms end to end, ratio {cli['cli'] / cli['unboxed']:4.2f}x")
    bombs = {"docx 1 GB inflated": make_docx_bomb(where / "bomb.docx"),
             "pdf 6 x 70 MB pages": make_pdf_bomb(where / "bomb.pdf"),
             "pdf 20 x 7 MB pages": make_pdf_bomb(where / "bomb20.pdf", pages=20, inflated_per_page=7_000_000),
             "pdf 3 x 7 MB pages": make_pdf_bomb(where / "bomb3.pdf", pages=3, inflated_per_page=7_000_000)}
    worst_mb = worst_s = 0.0
    for name, path in bombs.items():
        stats: dict = {}
        try:
            parse_cv_bytes(str(path), path.read_bytes(), suffix=path.suffix, settings=settings, stats=stats)
            verdict = "read (!)"
        except InvalidInput as exc:
            verdict = str(exc).split(": /")[0]
        worst_mb, worst_s = max(worst_mb, stats["peak_rss_mb"]), max(worst_s, stats["seconds"])
        print(f"{name:22} {path.stat().st_size / 1e6:5.2f} MB on disk: peak RSS {stats['peak_rss_mb']:6.1f} MB, "
              f"{stats['seconds']:5.1f} s, {stats['outcome']}: {verdict}")
    print(json.dumps({"bench": "cv_sandbox",
                      "pdf_in_process_ms": round(figures["pdf_in_process_ms"], 1),
                      "pdf_sandboxed_ms": round(figures["pdf_sandboxed_ms"], 1),
                      "pdf_sandbox_adds_ms": round(figures["pdf_sandboxed_ms"] - figures["pdf_in_process_ms"], 1),
                      "pdf_one_shot_over_sandbox": round(figures["pdf_one_shot_ms"] / figures["pdf_sandboxed_ms"], 1),
                      "docx_sandboxed_over_in_process": round(figures["docx_sandboxed_ms"]
                                                               / figures["docx_in_process_ms"], 1),
                      "server_start_ms": round(figures["server_start_ms"], 1),
                      "cli_ms": round(cli["cli"]), "cli_over_bound": round(cli["cli"] / bound, 2),
                      "cli_over_in_process_parse_cli": round(cli["cli"] / cli["unboxed"], 2),
                      "bomb_worst_peak_mb": worst_mb, "bomb_worst_seconds": worst_s}))


if __name__ == "__main__":
    main()
