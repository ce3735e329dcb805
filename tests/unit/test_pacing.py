"""Host pacing's pieces without servers: the per-host settings parser, the host lookup, the in-process gate,
and the one HTTP retry loop (issue 28 §4)."""

from __future__ import annotations

import threading
import time

import pytest
from pydantic import ValidationError

from jobagent.config import Settings, parse_host_intervals
from jobagent.errors import FetchStatus, FetchUnavailable, InputError
from jobagent.pacing import hold, host_slot, interval_for
from jobagent.retry_policy import MAX_RETRY_AFTER, retry_http


def test_host_intervals_are_parsed_trimmed_and_lower_cased() -> None:
    assert parse_host_intervals("API.Example.com=2.0, other=0.5,,*.recruitee.com = 0") == {
        "api.example.com": 2.0, "other": 0.5, "*.recruitee.com": 0.0}
    assert parse_host_intervals("") == {}


@pytest.mark.parametrize("text", ["api.example.com", "api.example.com=", "=2", "a=fast", "a=-1", "a=nan", "a=inf"])
def test_a_bad_host_interval_names_the_entry(text: str) -> None:
    with pytest.raises(ValueError, match="JOBAGENT_HOST_MIN_INTERVALS: .* is not HOST=SECONDS"):
        parse_host_intervals(text)


def test_settings_refuse_a_bad_entry_at_start_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOBAGENT_HOST_MIN_INTERVALS", "api.example.com=soon")
    with pytest.raises(ValidationError, match="api.example.com=soon"):
        Settings()
    monkeypatch.setenv("JOBAGENT_HOST_MIN_INTERVALS", "api.example.com=3")
    assert Settings().host_intervals() == {"api.example.com": 3.0}


def test_a_host_takes_its_own_entry_then_the_longest_wildcard_then_the_default() -> None:
    intervals = {"api.example.com": 3.0, "*.example.com": 1.0, "*.eu.example.com": 0.5}
    assert interval_for("API.example.com", 2.0, intervals) == 3.0
    assert interval_for("jobs.example.com", 2.0, intervals) == 1.0
    assert interval_for("example.com", 2.0, intervals) == 1.0
    assert interval_for("acme.eu.example.com", 2.0, intervals) == 0.5
    assert interval_for("notexample.com", 2.0, intervals) == 2.0


def _embedded() -> Settings:
    return Settings(_env_file=None, REDIS_URL=None, JOBAGENT_HOST_MIN_INTERVALS="slow.test=0.3")


def test_the_in_process_gate_keeps_one_request_at_a_time_and_the_interval() -> None:
    settings = _embedded()
    starts: list[float] = []
    inside = []

    def request() -> None:
        with host_slot("gate.test", 0.1, settings):
            inside.append(1)
            assert len(inside) == 1  # nobody else is in this host's slot
            starts.append(time.monotonic())
            time.sleep(0.02)
            inside.pop()

    threads = [threading.Thread(target=request) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    starts.sort()
    gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
    assert len(gaps) == 3 and min(gaps) >= 0.1 + 0.02 - 0.005, gaps  # interval counted from each end


def test_the_per_host_setting_and_a_hold_delay_the_next_slot() -> None:
    settings = _embedded()
    with host_slot("slow.test", 0.01, settings):
        pass
    began = time.monotonic()
    with host_slot("slow.test", 0.01, settings):
        pass
    assert time.monotonic() - began >= 0.29  # slow.test=0.3 wins over the caller's 0.01
    hold("held.test", 0.25, settings)
    began = time.monotonic()
    with host_slot("held.test", 0.0, settings):
        pass
    assert time.monotonic() - began >= 0.24


def test_retry_http_retries_what_may_pass_with_the_servers_retry_after() -> None:
    answers: list[BaseException | str] = [FetchStatus("busy", status=503, retry_after=7), FetchUnavailable("down"),
                                          "body"]
    waits: list[float] = []
    slept: list[float] = []

    def call() -> str:
        answer = answers.pop(0)
        if isinstance(answer, BaseException):
            raise answer
        return answer

    assert retry_http(call, retries=2, backoff=0.5, sleep=slept.append,
                      before_retry=lambda exc, delay: waits.append(delay)) == "body"
    assert waits == slept == [7.0, 1.0]  # Retry-After when longer than the backoff, then 0.5 * 2


def test_retry_http_gives_up_on_input_errors_too_long_retry_after_and_exhaustion() -> None:
    calls: list[int] = []

    def failing(exc: BaseException):  # type: ignore[no-untyped-def]
        def call() -> None:
            calls.append(1)
            raise exc
        return call

    with pytest.raises(InputError):
        retry_http(failing(InputError("bad url")), retries=3, backoff=0, sleep=lambda _: None)
    assert len(calls) == 1
    calls.clear()
    with pytest.raises(FetchStatus):
        retry_http(failing(FetchStatus("later", status=429, retry_after=MAX_RETRY_AFTER + 1)), retries=3,
                   backoff=0, sleep=lambda _: None)
    assert len(calls) == 1
    calls.clear()
    with pytest.raises(FetchUnavailable):
        retry_http(failing(FetchUnavailable("down")), retries=2, backoff=0, sleep=lambda _: None)
    assert len(calls) == 3


def test_the_backoff_is_capped() -> None:
    waits: list[float] = []

    def call() -> None:
        raise FetchUnavailable("down")

    with pytest.raises(FetchUnavailable):
        retry_http(call, retries=6, backoff=2, sleep=lambda _: None, before_retry=lambda exc, d: waits.append(d))
    assert waits == [2, 4, 8, 16, 30, 30]  # capped at max(backoff * 8, HTTP_BACKOFF_CAP) = 30 s
