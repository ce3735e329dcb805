"""300 randomised CVs: heading styles, date forms, separators and header layouts drawn at random per entry.

The answer (employers, titles, start months, years as the union of intervals) is computed from what was
generated, so a parser that only handles the tidy layouts of tests/cv_corpus.py fails here.
"""

from __future__ import annotations

import random
from datetime import date

from jobagent.cv import extract_profile
from jobagent.cv.dates import union_months
from tests import cv_corpus as corpus

TODAY = date(2026, 11, 28)
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
LONG = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December"]


def _when(rng: random.Random, year: int, month: int, style: str) -> str:
    return {"short": f"{MONTHS[month - 1]} {year}", "long": f"{LONG[month - 1]} {year}",
            "numeric": f"{month:02d}/{year}", "dotted": f"{MONTHS[month - 1]}. {year}" if month != 5 else f"May {year}",
            }[style]


def _heading(rng: random.Random, text: str, style: str) -> str:
    return {"caps": text.upper(), "colon": f"{text}:", "md": f"## {text}", "plain": text}[style]


def _cv(rng: random.Random, case: corpus.Case) -> tuple[str, list[tuple[str, str]], int]:
    style = rng.choice(["short", "long", "numeric", "dotted"])
    heading = rng.choice(["caps", "colon", "md", "plain"])
    lines = [case.name, f"{case.location} | {corpus.email_of(case)}", "", _heading(rng, "Experience", heading)]
    year, month = 2026, rng.randint(1, 10)
    spans, expected = [], []
    jobs = rng.sample(case.jobs, len(case.jobs))  # titles in a random order, dates always newest first
    for k, job in enumerate(jobs):
        length = rng.randint(14, 50)
        start_index = year * 12 + month - 1 - length
        sy, sm = divmod(start_index, 12)
        start = _when(rng, sy, sm + 1, style)
        if k == 0:
            end = rng.choice(["Present", "present", "to date", "Current"])
            connector = " to " if end == "to date" else rng.choice([" – ", " - ", " — "])
            end_text = "date" if end == "to date" else end
            spans.append((start_index, TODAY.year * 12 + TODAY.month - 1))
        else:
            connector = rng.choice([" – ", " - ", " to "])
            end_text = _when(rng, year, month, style)
            spans.append((start_index, year * 12 + month - 1))
        if "Intern" in job.title:
            spans.pop()  # internships do not count towards the years
        dates = f"{start}{connector}{end_text}"
        layout = rng.choice(["one", "title-first", "employer-first", "pipes", "at"])
        if layout == "one":
            lines.append(f"{job.title}, {job.employer}, {job.place}, {dates}")
        elif layout == "title-first":
            lines += [job.title, f"{job.employer}, {job.place}", dates]
        elif layout == "employer-first":
            lines += [f"{job.employer} — {job.place}", job.title, dates]
        elif layout == "pipes":
            lines.append(f"{dates} | {job.title} | {job.employer} | {job.place}")
        else:
            lines.append(f"{job.title} at {job.employer} ({dates})")
        bullet = rng.choice(["- ", "• ", "* "])
        lines += [bullet + b for b in job.bullets]
        expected.append((job.employer, f"{sy:04d}-{sm + 1:02d}"))
        year, month = divmod(start_index - rng.randint(0, 3), 12)
        month += 1
        if rng.random() < 0.5:
            lines.append("")
    lines += ["", _heading(rng, "Education", heading), *case.education, "", _heading(rng, "Skills", heading),
              *case.skills]
    return "\n".join(lines) + "\n", expected, union_months(spans) // 12


def test_three_hundred_randomised_cvs() -> None:
    rng = random.Random(2026)
    failures = []
    for n in range(300):
        case = corpus.CASES[n % len(corpus.CASES)]
        text, expected, years = _cv(rng, case)
        p = extract_profile(text, today=TODAY)
        got = [(e.employer, e.start) for e in p.experience]
        if got != expected or p.years_experience != years or p.location != case.location or \
                set(p.titles_held) != set(case.titles):
            failures.append((n, case.key, got, expected, p.years_experience, years, p.titles_held))
    assert not failures, f"{len(failures)} of 300 wrong; first: {failures[:3]}"
