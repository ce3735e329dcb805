"""The shared text helpers, on the inputs where the obvious one-liner gets it wrong."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from jobagent.text import (
    count_word,
    has_word,
    month_label,
    month_number,
    normalize,
    parse_date,
    salary_text,
    templates,
)

# ------------------------------------------------------------------------------------------- whole words

@pytest.mark.parametrize(("text", "word", "found"), [
    ("Senior C++ developer", "c++", True),          # \bC\+\+\b never matches: no word boundary after "+"
    ("C++/Python engineer", "c++", True),
    ("C#, .NET and Azure", "c#", True),
    ("C#, .NET and Azure", ".net", True),         # \b\.NET fails: no boundary between space and "."
    ("ASP.NET Core", ".net", False),               # "p" touches the dot: not the .NET platform on its own
    ("Objective-C and C++", "c", True),            # "-C" then space: the C language is there
    ("going places", "go", False),                 # the substring test finds "go" in "going"
    ("Go, Rust", "go", True),
    ("node.js backend", "node.js", True),
    ("café owner", "caf", False),                  # ASCII-only boundaries take "é" for punctuation
    ("Zürich office", "z", False),
    ("über uns", "ber", False),
])
def test_whole_words_where_word_boundaries_fail(text: str, word: str, found: bool) -> None:
    assert (count_word(text.lower(), word, stop_at=1) > 0) is found
    assert has_word(text, word) is found


def test_naive_regex_misses_what_count_word_finds() -> None:
    """The reason the helper exists: the textbook pattern fails on these."""
    assert re.search(r"\bc\+\+\b", "senior c++ developer") is None
    assert re.search(r"\b\.net\b", "c#, .net and azure") is None
    assert count_word("senior c++ developer", "c++") == 1
    assert count_word("c#, .net and azure", ".net") == 1


def test_count_word_counts_and_stops_early() -> None:
    text = "python, python and pythonic python."
    assert count_word(text, "python") == 3
    assert count_word(text, "python", stop_at=2) == 2
    assert count_word(text, "") == 0
    assert count_word("", "python") == 0


def test_has_word_ignores_case_and_spacing_but_not_partial_words() -> None:
    assert has_word("Team  Lead,\tBackend", "team lead")
    assert has_word("Sr. Engineer", "Sr.")
    assert not has_word("Team Leader", "team lead")
    assert not has_word("anything", "   ")


# ------------------------------------------------------------------------------------------- normalising

def test_normalize_folds_accents_case_and_punctuation() -> None:
    assert normalize("Société Générale") == normalize("SOCIETE  generale") == "societe generale"
    assert normalize("Zürich, CH") == "zurich ch"
    assert normalize("Straße") == "strasse"          # NFKD alone leaves "ß"; casefold makes it "ss"
    assert normalize("Ångström-Labs  (Oslo)") == "angstrom labs oslo"
    assert normalize("C++ / C#") == "c c"
    assert normalize(None) == "" and normalize("  —  ") == ""


def test_posting_keys_agree_across_accents() -> None:
    from jobagent.postings.dedup import posting_fingerprint, repost_key
    from jobagent.postings.schema import PostingData

    a = PostingData(source="a", external_id="1", title="Ingénieur Logiciel", company="Société Générale SA",
                    location="Zürich")
    b = PostingData(source="b", external_id="2", title="ingenieur logiciel", company="Societe Generale SA",
                    location="Zurich")
    assert posting_fingerprint(a) == posting_fingerprint(b)
    assert repost_key(a.company, a.title) == repost_key(b.company, b.title)


# ------------------------------------------------------------------------------------------- dates

def _utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(("value", "expected"), [
    ("03/2019", _utc(2019, 3, 1)),
    ("3/2019", _utc(2019, 3, 1)),
    ("Mar 2019", _utc(2019, 3, 1)),
    ("March, 2019", _utc(2019, 3, 1)),
    ("Sept. 2020", _utc(2020, 9, 1)),
    ("2019-03", _utc(2019, 3, 1)),                  # datetime.fromisoformat refuses a month without a day
    ("2019-03-15", _utc(2019, 3, 15)),
    ("20190315", _utc(2019, 3, 15)),                # eight digits: a basic ISO date, not epoch 1970
    ("2026-11-30T09:00:00Z", _utc(2026, 11, 30, 9)),
    ("2026-11-30T10:00:00+01:00", _utc(2026, 11, 30, 9)),  # converted, not just labelled
    ("2026-11-30T09:00:00", _utc(2026, 11, 30, 9)),  # naive: taken as UTC
    ("2026-11-30 09:00 CET", _utc(2026, 11, 30)),   # the day survives a zone name Python cannot read
    (1764493200, _utc(2025, 11, 30, 9)),
    (1764493200000, _utc(2025, 11, 30, 9)),         # Lever's milliseconds
    ("1764493200", _utc(2025, 11, 30, 9)),
    (time.struct_time((2024, 5, 2, 8, 0, 0, 3, 123, 0)), _utc(2024, 5, 2, 8)),  # feedparser
])
def test_parse_date_reads_every_form(value: object, expected: datetime) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["Present", "present", "Current", "to date", "", None, True, "13/2019",
                                   "2019-13", "someday", "Smarch 2019", 10 ** 20])
def test_parse_date_open_ends_and_garbage_are_no_date(value: object) -> None:
    assert parse_date(value) is None


def test_month_table() -> None:
    assert [month_number(m) for m in ("Jan", "january", "Sept.", "sep", "DEC")] == [1, 1, 9, 9, 12]
    assert month_number("Smarch") is None
    assert month_label("2019-03") == "Mar 2019"
    assert month_label("2019") == "2019" and month_label(None) == ""


def test_cv_ranges_use_the_same_month_table() -> None:
    from jobagent.cv.dates import find_range

    found = find_range("Canalbank · Sept. 2020 – Present")
    assert found is not None and found.start == (2020, 9) and found.end is None
    found = find_range("03/2016 - 11/2018")
    assert found is not None and found.iso() == ("2016-03", "2018-11")


# ------------------------------------------------------------------------------------------- salaries

def test_salary_text() -> None:
    assert salary_text(65000, 80000, "EUR") == "65,000–80,000 EUR"
    assert salary_text(65000, 65000, None) == "65,000"
    assert salary_text(None, 90000, "USD") == "90,000 USD"
    assert salary_text(0, None, "GBP") == "0 GBP"   # zero is a figure, not "no salary"
    assert salary_text(None, None, "EUR") is None


def test_board_and_reports_format_salaries_alike() -> None:
    from jobagent.api.board import salary_text as board_salary
    from jobagent.postings.reports import _salary
    from jobagent.postings.schema import PostingData

    p = PostingData(source="s", external_id="1", title="t", company="c", salary_min=50000.0,
                    salary_max=70000.0, salary_currency="EUR")
    assert _salary(p) == board_salary(50000.0, 70000.0, "EUR") == "50,000–70,000 EUR"


# ------------------------------------------------------------------------------------------- templates

def test_one_environment_escapes_html_templates_only(tmp_path: Path) -> None:
    (tmp_path / "note.html.j2").write_text("<p>{{ v }}</p>")
    (tmp_path / "note.md.j2").write_text("{{ v }}")
    env = templates(str(tmp_path))
    assert env.get_template("note.html.j2").render(v="R&D <b>") == "<p>R&amp;D &lt;b&gt;</p>"
    assert env.get_template("note.md.j2").render(v="R&D <b>") == "R&D <b>"  # a letter says "R&D"
    assert env.get_template("cover_letter.md.j2") is not None   # the package's templates behind the user's
    assert templates() is templates()
