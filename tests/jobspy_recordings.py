"""Recorded python-jobspy answers, replayed at the one boundary where jobagent calls the library.

``tests/fixtures/sources/jobspy_{site}.json`` hold what ``jobspy.scrape_jobs`` returned for a search (the
columns and their serialisation come from python-jobspy 1.4.1, ``jobspy/model.py`` ``JobPost._row`` and
``jobspy/__init__.py`` ``scrape_jobs``; each file's ``_about`` says so). ``Recorder`` stands in for
``scrape_jobs``: it answers a frame with the two things jobagent reads from a DataFrame,
``to_dict(orient="records")`` and ``attrs``, and keeps every call (its arguments and when it ran). The same
replay serves the fake ``jobspy`` package in ``tests/fake_jobspy`` that subprocess tests put on sys.path.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "sources"


def recording(site: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"jobspy_{site}.json").read_text())


class RecordedFrame:
    """What jobagent reads of a ``pandas.DataFrame``: its rows as records, and ``attrs``."""

    def __init__(self, rows: list[dict[str, Any]], attrs: dict[str, Any] | None = None) -> None:
        self.rows = rows
        self.attrs = attrs or {"errors": {}, "warnings": {}}

    def to_dict(self, orient: str = "dict") -> list[dict[str, Any]]:
        assert orient == "records", orient  # the only orientation jobagent asks for
        return [dict(row) for row in self.rows]


@dataclass
class Call:
    arguments: dict[str, Any]
    started: float
    ended: float = 0.0


@dataclass
class Recorder:
    """``scrape_jobs`` replaying the recordings of the sites it was given; an unrecorded search finds
    nothing. ``raising`` (search term -> exception) makes that search fail the way older releases did."""

    sites: list[str]
    raising: dict[str, BaseException] = field(default_factory=dict)
    hold: float = 0.0  # seconds each call takes, so overlapping calls would show
    calls: list[Call] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.answers: dict[tuple[str, str, str | None], dict[str, Any]] = {}
        for site in self.sites:
            for call in recording(site)["calls"]:
                self.answers[(site, call["search_term"].casefold(), (call["location"] or "").casefold() or None)] = call

    def __call__(self, **arguments: Any) -> RecordedFrame:
        call = Call(arguments, time.monotonic())
        with self._lock:
            self.calls.append(call)
        try:
            if self.hold:
                time.sleep(self.hold)
            term = arguments.get("search_term") or ""
            if term in self.raising:
                raise self.raising[term]
            (site,) = arguments["site_name"]
            answer = self.answers.get((site, term.casefold(), (arguments.get("location") or "").casefold() or None))
            if answer is None:
                return RecordedFrame([])
            return RecordedFrame(answer["rows"][: arguments.get("results_wanted") or None], answer["attrs"])
        finally:
            call.ended = time.monotonic()

    def searched(self) -> list[tuple[str, str | None]]:
        return [(c.arguments["search_term"], c.arguments.get("location")) for c in self.calls]
