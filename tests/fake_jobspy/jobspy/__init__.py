"""A stand-in ``jobspy`` package for subprocess tests: ``import jobspy`` and ``jobspy.scrape_jobs`` as jobagent
reaches them when python-jobspy is installed, answering from tests/fixtures/sources/jobspy_*.json.

Only ``scrape_jobs`` (and ``Country``, whose values jobagent checks Indeed's country against) is provided:
that is the whole surface jobagent uses. Each call is appended as one JSON line to $FAKE_JOBSPY_CALLS.
"""

from __future__ import annotations

import json
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from tests.jobspy_recordings import Recorder  # noqa: E402


class Country(Enum):  # a few of python-jobspy 1.4.1's jobspy/model.py Country values
    GERMANY = "germany"
    UK = "uk"
    USA = "usa"


_recorder = Recorder(sites=["indeed", "linkedin"])


def scrape_jobs(**arguments: Any) -> Any:
    frame = _recorder(**arguments)
    log = os.environ.get("FAKE_JOBSPY_CALLS")
    if log:
        with open(log, "a") as out:
            out.write(json.dumps(arguments) + "\n")
    return frame
