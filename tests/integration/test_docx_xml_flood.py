"""A DOCX that floods lxml with ordinary-looking XML (issue 23): 60 MB of paragraphs at ~25:1, 2.4 MB on
disk. It passed every per-part check, and stopped only at the 512 MB parse limit with lxml's message
"unknown error (<string>, line 0)". The pre-check now caps the XML itself, and a parse that still runs into
the memory limit says so. Real generated files, the real sandboxed parser.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from jobagent.config import Settings
from jobagent.cv.sandbox import parse_cv_bytes
from jobagent.errors import InvalidInput
from jobagent.fetch_policy import human_size
from tests.bombs import make_docx_xml_flood


@pytest.fixture(scope="module")
def flood(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_docx_xml_flood(tmp_path_factory.mktemp("flood") / "cv.docx")


def test_xml_flood_is_refused_by_the_precheck_with_a_real_message(flood: Path) -> None:
    assert 1_500_000 < flood.stat().st_size < 3_500_000  # the reviewer's shape: a few MB on disk
    stats: dict = {}
    with pytest.raises(InvalidInput) as info:
        parse_cv_bytes("cv.docx", flood.read_bytes(), suffix=".docx", settings=Settings(), stats=stats)
    with zipfile.ZipFile(flood) as zf:
        xml = sum(m.file_size for m in zf.infolist() if m.filename.endswith((".xml", ".rels")))
    message = str(info.value)
    assert xml > 50_000_000
    assert message == (f"CV file is not a readable DOCX: cv.docx (its text would inflate to {human_size(xml)} "
                       "of XML; at most 16 MB is read)"), message
    # Refused before lxml built anything: the child stays near its start-up size (it reached 504 MB before).
    assert stats["peak_rss_mb"] < 150 and stats["outcome"] == "refused", stats


def test_a_parse_that_hits_the_memory_limit_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """14 MB of XML passes the pre-check; with a 150 MB limit lxml fails its allocations, which it reports as
    "unknown error". The user must read why, not that."""
    path = make_docx_xml_flood(tmp_path / "cv.docx", xml_bytes=14_000_000)
    monkeypatch.setenv("JOBAGENT_CV_PARSE_MEMORY_MB", "150")
    monkeypatch.setenv("JOBAGENT_CV_PARSE_TIMEOUT", "60")  # the memory limit, not the clock, must end it
    stats: dict = {}
    with pytest.raises(InvalidInput) as info:
        parse_cv_bytes("cv.docx", path.read_bytes(), suffix=".docx", settings=Settings(), stats=stats)
    assert str(info.value) == "CV file could not be read within 150 MB of memory: cv.docx", str(info.value)
    assert "unknown error" not in str(info.value) and stats["outcome"] == "refused"
