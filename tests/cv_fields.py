"""How a profile is scored against the truth it was generated from (issue 26 §1): the one place that says
what counts as right, used by benchmarks/bench_cv_fields.py and tests/unit/test_cv_fields_bench.py.

A profile is built the way the profiling workflow builds it (``CVProcessingNode``): the CV's bytes read
by ``read_cv_bytes`` (what the sandboxed child runs; ``sandbox=True`` goes through the child itself) and
``extract_profile`` on the text, with today pinned to the truth's today.

Fields and what counts as right:
- ``name``, ``email``, ``phone``: the profile's field of that name equals the truth (case and spaces
  aside). ``ExtractedProfile`` holds none of them today, so they score 0 and are listed as not extracted.
- ``city``: the location's first part (postcode dropped) is the city, or the project's gazetteer resolves
  both to the same place. ``country``: the country the location names, or that the gazetteer gives it.
- ``entry_employer``, ``entry_title`` (gender markers aside), ``entry_start``, ``entry_end``: per truth job,
  against the extracted entry it is paired with (the pairing that agrees most, greedily); a job with no
  partner is wrong in all four. Dates compare at the truth's precision ("2021" matches "2021-01"); a
  current job's end is right only when the entry is open.
- ``current_job``: the open entry names the current employer (or, with no current job, none is open).
- ``years``: within ±1 of the truth. ``level``: equal.
- ``skills_recall``, ``skills_precision``: over canonical skill names; a spoken language found as a skill
  counts as right when the person speaks it, and so does what the profession's title implies ("Nursing"
  for a nurse: ``IMPLIED``), which recall does not require.
- ``languages``: each spoken language with its level, exactly ("German (native)", "English (C1)").
- ``education``: each truth entry has an extracted one with the same institution and end year.

A CV the parser refuses or crashes on stays in the count, wrong in every field.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from tests.cv_truth import TODAY, Entry, Truth
from tests.cv_truth_words import IMPLIED

CONTACT_FIELDS = ("name", "email", "phone")
ENTRY_FIELDS = ("entry_employer", "entry_title", "entry_start", "entry_end")
FIELDS = (*CONTACT_FIELDS, "city", "country", *ENTRY_FIELDS, "current_job", "years", "level",
          "skills_recall", "skills_precision", "languages", "education")
_GENDER = re.compile(r"\(\s*(?:m/w/d|w/m/d|m/f/d|h/f|f/h|m/v|v/m)\s*\)", re.I)


def norm(text: str | None) -> str:
    """Case, accents, punctuation and spacing aside: "Müller & Söhne GmbH" = "muller sohne gmbh"."""
    flat = unicodedata.normalize("NFKD", _GENDER.sub(" ", text or ""))
    flat = "".join(c for c in flat if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", flat).split())


def not_extracted() -> list[str]:
    """The contact fields ``ExtractedProfile`` has no place for (scored 0, reported by name)."""
    from jobagent.cv.schema import ExtractedProfile

    return [f for f in CONTACT_FIELDS if f not in ExtractedProfile.model_fields]


def profile_of(path: Path, *, sandbox: bool = False) -> Any:
    """The ``ExtractedProfile`` the profiling workflow would store for this one CV file."""
    from jobagent.cv.extraction import extract_profile

    data = path.read_bytes()
    if sandbox:
        from jobagent.cv.sandbox import parse_cv_bytes

        doc = parse_cv_bytes(str(path), data, suffix=path.suffix.lower())
    else:
        from jobagent.cv.readers import read_cv_bytes

        doc = read_cv_bytes(str(path), data, suffix=path.suffix.lower())
    return extract_profile(doc.text, today=date(TODAY[0], TODAY[1], 15))


def _date_ok(truth: str | None, got: str | None) -> bool:
    if truth is None:
        return got is None
    return got is not None and got[:len(truth)] == truth


def _agreement(t: Entry, e: Any) -> float:
    return (2.0 * (norm(t.employer) == norm(e.employer)) + 2.0 * (norm(t.title) == norm(e.title_as_written))
            + _date_ok(t.start, e.start) + _date_ok(t.end, e.end)
            + len(set(norm(t.employer).split()) & set(norm(e.employer).split())) * 0.25)


def pair_entries(truth: tuple[Entry, ...], got: list[Any]) -> list[Any | None]:
    """For each truth job, the extracted entry paired with it (or None): the best-agreeing pairs first."""
    scored = sorted(((_agreement(t, e), i, j) for i, t in enumerate(truth) for j, e in enumerate(got)),
                    reverse=True)
    out: list[Any | None] = [None] * len(truth)
    used: set[int] = set()
    for score, i, j in scored:
        if score >= 1.0 and out[i] is None and j not in used:
            out[i] = got[j]
            used.add(j)
    return out


def _place(location: str | None) -> tuple[str, str | None, int | None]:
    """(first part without postcode, country code, gazetteer id) of a location text."""
    from jobagent.places import country_of, resolve

    parts = [p.strip() for p in (location or "").split(",") if p.strip()]
    first = re.sub(r"\b\d[\w-]*\b|\b[A-Z]{1,2}\d[A-Z\d]?\b", " ", parts[0]) if parts else ""
    named = next((c for c in map(country_of, parts) if c), None)
    place = resolve(location) if location else None
    return norm(first), named or (place.country if place else None), place.geonameid if place else None


def score_profile(t: Truth, profile: Any | None) -> dict[str, list[float]]:
    """Field -> samples (1.0 right, 0.0 wrong; recall/precision as fractions) for one CV. ``None``: the
    parser failed on it, so every sample is wrong."""
    out: dict[str, list[float]] = {f: [0.0] for f in FIELDS}
    for f in ENTRY_FIELDS:
        out[f] = [0.0] * len(t.entries)
    out["languages"] = [0.0] * len(t.languages)
    out["education"] = [0.0] * len(t.education)
    if profile is None:
        return out
    for f, want in zip(CONTACT_FIELDS, (t.name, t.email, t.phone), strict=True):
        got = getattr(profile, f, None)
        out[f] = [float(got is not None and norm(str(got)).replace(" ", "") == norm(want).replace(" ", ""))]
    city, country, gid = _place(profile.location)
    _, _, want_gid = _place(t.city)
    out["city"] = [float(bool(city) and (city == norm(t.city) or (gid is not None and gid == want_gid)))]
    out["country"] = [float(country == t.country)]
    paired = pair_entries(t.entries, list(profile.experience))
    for n, (want_e, got_e) in enumerate(zip(t.entries, paired, strict=True)):
        if got_e is None:
            continue
        out["entry_employer"][n] = float(norm(want_e.employer) == norm(got_e.employer))
        out["entry_title"][n] = float(norm(want_e.title) == norm(got_e.title_as_written or got_e.title))
        out["entry_start"][n] = float(_date_ok(want_e.start, got_e.start))
        out["entry_end"][n] = float(_date_ok(want_e.end, got_e.end) and (want_e.end is not None or got_e.current))
    open_entries = [e for e in profile.experience if e.current or e.end is None]
    current = t.current
    out["current_job"] = [float(not open_entries if current is None else
                                any(norm(e.employer) == norm(current.employer) for e in open_entries))]
    years = profile.years_experience
    out["years"] = [float(years is not None and abs(years - t.years) <= 1)]
    out["level"] = [float(profile.level == t.level)]
    spoken_names = {lang.split(" (")[0] for lang in t.languages}
    found = set(profile.skills)
    implied = set(IMPLIED.get(t.profession, ()))
    right = {s for s in found if s in t.skills or s in spoken_names or s in implied}
    out["skills_recall"] = [len(found & set(t.skills)) / len(t.skills)]
    out["skills_precision"] = [len(right) / len(found) if found else 0.0]
    got_langs = set(profile.languages)
    out["languages"] = [float(lang in got_langs) for lang in t.languages]
    out["education"] = [float(any(norm(ed.institution) == norm(g.institution) and ed.end_year == g.end_year
                                  for g in profile.education)) for ed in t.education]
    return out


@dataclass
class Report:
    """Samples per field, overall and per language / layout, and the CVs the parser failed on."""

    samples: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    by_group: dict[tuple[str, str], dict[str, list[float]]] = field(default_factory=dict)
    per_cv: dict[str, float] = field(default_factory=dict)
    crashed: dict[str, str] = field(default_factory=dict)
    cvs: int = 0
    extra_entries: int = 0  # extracted jobs paired with no true one (education or a bullet read as a job)

    def add(self, t: Truth, scores: dict[str, list[float]]) -> None:
        self.cvs += 1
        for group in (("language", t.lang), ("layout", t.layout)):
            bucket = self.by_group.setdefault(group, defaultdict(list))
            for f, values in scores.items():
                bucket[f].extend(values)
        for f, values in scores.items():
            self.samples[f].extend(values)
        self.per_cv[t.key] = overall(scores)


def _mean(values: Iterable[float]) -> float:
    values = list(values)
    return sum(values) / len(values) if values else 0.0


def overall(samples: dict[str, list[float]], skip: Iterable[str] = ()) -> float:
    """The mean of the fields' accuracies (each field weighs the same, however many samples it has)."""
    skipped = set(skip)
    return _mean(_mean(v) for f, v in samples.items() if f not in skipped and v)


def run(people: list[Truth], directory: Path, *, sandbox: bool = False) -> Report:
    """Render every truth, build its profile and score it; a CV the parser fails on is kept, all wrong."""
    from tests.cv_layouts import render

    report = Report()
    for t in people:
        path = render(t, directory)
        try:
            profile = profile_of(path, sandbox=sandbox)
        except Exception as exc:  # noqa: BLE001 - a refusal or a crash: counted, named in the report
            profile = None
            report.crashed[t.key] = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        report.add(t, score_profile(t, profile))
        if profile is not None:
            report.extra_entries += len(profile.experience) - sum(
                e is not None for e in pair_entries(t.entries, list(profile.experience)))
    return report


def figures(report: Report) -> dict[str, Any]:
    """The bench's figures, rounded: what the last JSON line prints and the floor file is compared to."""
    missing = not_extracted()
    fields = {f: round(_mean(v), 3) for f, v in report.samples.items()}
    held = {f: v for f, v in fields.items() if f not in missing}
    groups: dict[str, dict[str, float]] = {"language": {}, "layout": {}}
    for (kind, name), samples in sorted(report.by_group.items()):
        groups[kind][name] = round(overall(samples, skip=missing), 3)  # over the fields the profile holds
    return {"cvs": report.cvs, "overall": round(overall(report.samples), 3),
            "overall_extracted": round(overall(report.samples, skip=missing), 3),
            "worst_field": _lowest(held), "worst_language": _lowest(groups["language"]),
            "worst_layout": _lowest(groups["layout"]), "fields": fields, "not_extracted": missing,
            "per_language": groups["language"], "per_layout": groups["layout"],
            "extra_entries": report.extra_entries, "crashed": sorted(report.crashed)}


def _lowest(values: dict[str, float]) -> list[Any]:
    name = min(values, key=lambda k: values[k])
    return [name, values[name]]


def raised_floor(old: dict[str, Any], got: dict[str, Any]) -> dict[str, Any]:
    """The ratchet file after a run of the CI slice: each figure rounded down slightly (2 decimals, at least
    0.005 below), and never below what ``old`` already holds, so the floor only rises."""
    def down(value: float, before: float | None) -> float:
        return max(math.floor((value - 0.005) * 100 + 1e-9) / 100, before or 0.0)

    out: dict[str, Any] = {"_comment": old.get("_comment", ""), "cvs": got["cvs"],
                           "overall_extracted": down(got["overall_extracted"], old.get("overall_extracted"))}
    for group in ("fields", "per_language", "per_layout"):
        before = old.get(group, {})
        out[group] = {k: down(v, before.get(k)) for k, v in got[group].items() if k not in got["not_extracted"]}
    return out
