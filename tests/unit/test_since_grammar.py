"""The one ``--since`` grammar (issue 28 §4): ages in s/m/h/d/w or a date, for every command and endpoint."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from jobagent.errors import InputError
from jobagent.limits import MAX_SINCE_DAYS
from jobagent.text import parse_age, parse_since

NOW = datetime(2026, 12, 8, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("text", "age"), [
    ("90s", timedelta(seconds=90)), ("15m", timedelta(minutes=15)), ("12h", timedelta(hours=12)),
    ("2d", timedelta(days=2)), ("2w", timedelta(weeks=2)), (" 3 W ", timedelta(weeks=3)),
    ("1.5h", timedelta(minutes=90)), ("007d", timedelta(days=7)), (f"{MAX_SINCE_DAYS}d", timedelta(MAX_SINCE_DAYS)),
])
def test_every_unit_reads_as_the_same_age(text: str, age: timedelta) -> None:
    assert parse_age(text) == age
    assert parse_since(text, NOW) == NOW - age


@pytest.mark.parametrize(("text", "when"), [
    ("2026-11-30", datetime(2026, 11, 30, tzinfo=UTC)),
    ("2026-11-30T09:15:00+01:00", datetime(2026, 11, 30, 8, 15, tzinfo=UTC)),
])
def test_a_date_is_a_moment_too(text: str, when: datetime) -> None:
    assert parse_since(text, NOW) == when


@pytest.mark.parametrize(("text", "message"), [
    ("soon", "since must be an age like 90s"), ("last tuesday", "since must be an age like 90s"),
    ("7", "since must be an age like 90s"),  # a bare number: seconds to one command, an epoch to another
    ("1700000000", "since must be an age like 90s"), ("", "since must be an age like 90s"),
    ("2y", "since must be an age like 90s"), ("infd", "since must be an age like 90s"),
    ("nand", "since must be an age like 90s"), ("-1d", "since must be an age like 90s"),
    ("0s", "since must be positive"), ("0.0w", "since must be positive"),
    (f"{MAX_SINCE_DAYS + 1}d", "since must be at most"), ("99999999999d", "since must be at most"),
])
def test_anything_else_is_refused_in_one_line_naming_the_field(text: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_since(text, NOW)
    assert str(caught.value).startswith(message) and "\n" not in str(caught.value)


def test_ages_alone_refuse_a_date() -> None:
    with pytest.raises(InputError, match="since must be an age"):
        parse_age("2026-11-30")


def test_the_api_window_and_the_board_read_the_same_grammar() -> None:
    from jobagent.api.ops import parse_since as window

    assert abs(window("2w") - timedelta(weeks=2)) < timedelta(seconds=5)
    assert abs(window("90s") - timedelta(seconds=90)) < timedelta(seconds=5)
    with pytest.raises(InputError, match="since must be an age"):
        window("soon")
