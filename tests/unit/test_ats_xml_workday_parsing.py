"""The pieces of the Personio, BambooHR and Workday sources that need no store: spec parsing, Workday's URL
forms and "Posted ..." dates, safe XML, the stored answers of a harvest, POST through the safe fetcher
(with its redirects), and ``fetch(limit)`` against the local servers."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from jobagent.errors import InvalidInput, SourceError
from jobagent.fetching import fetch_url
from jobagent.postings.revalidation import Answer, plan_from, stored_plan
from jobagent.postings.sources import KINDS, HttpOptions, parse_source
from jobagent.postings.sources.personio import parse_feed
from jobagent.postings.sources.workday import WorkdaySource, career_site, posted_on
from tests.ats_xml_workday_boards import BOMB, AtsServer, personio_xml
from tests.integration.test_ats_xml_workday_sources import workday_postings


@pytest.mark.parametrize("url, origin, tenant, site", [
    ("https://acme.wd5.myworkdayjobs.com/External", "https://acme.wd5.myworkdayjobs.com", "acme", "External"),
    ("https://acme.wd1.myworkdayjobs.com/en-US/Careers/job/x", "https://acme.wd1.myworkdayjobs.com", "acme",
     "Careers"),
    ("https://wd5.myworkdaysite.com/recruiting/globex/Ext_Site", "https://wd5.myworkdaysite.com", "globex",
     "Ext_Site"),
    ("https://wd3.myworkdaysite.com/de-DE/recruiting/initech/jobs", "https://wd3.myworkdaysite.com", "initech",
     "jobs"),
])
def test_career_site_from_either_url_form(url: str, origin: str, tenant: str, site: str) -> None:
    found = career_site(url)
    assert (found.origin, found.tenant, found.site) == (origin, tenant, site)


@pytest.mark.parametrize("url", ["https://example.com/External", "https://acme.wd5.myworkdayjobs.com/",
                                 "https://wd5.myworkdaysite.com/acme/External", "ftp://acme.wd5.myworkdayjobs.com/X"])
def test_anything_else_is_refused_in_one_line(url: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_source(f"workday:{url}")
    assert "not a Workday career-site URL" in str(caught.value) and "\n" not in str(caught.value)


def test_specs_for_the_three_kinds() -> None:
    assert {"personio", "bamboohr", "workday"} <= set(KINDS)
    wd = parse_source("workday:https://acme.wd5.myworkdayjobs.com/External?company=Acme Corp")
    assert isinstance(wd, WorkdaySource) and wd.company == "Acme Corp"
    wd.http.base_urls["workday"] = "http://127.0.0.1:9"  # the origin is replaced, tenant and site stay
    assert wd.api == "http://127.0.0.1:9/wday/cxs/acme/External"
    assert parse_source("personio:acme?company=Acme GmbH").company == "Acme GmbH"  # type: ignore[attr-defined]
    assert parse_source("bamboohr:globex").name == "bamboohr:globex"


def test_posted_on_as_dates() -> None:
    today = datetime(2026, 12, 7, 15, 30, tzinfo=UTC)
    assert posted_on("Posted Today", today) == datetime(2026, 12, 7, tzinfo=UTC)
    assert posted_on("Posted Yesterday", today) == datetime(2026, 12, 6, tzinfo=UTC)
    assert posted_on("Posted 3 Days Ago", today) == datetime(2026, 12, 4, tzinfo=UTC)
    assert posted_on("Posted 30+ Days Ago", today) is None
    assert posted_on(None, today) is None


def test_personio_feed_refuses_entities_and_non_xml() -> None:
    external = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                b"<workzag-jobs><position><id>1</id><name>&e;</name></position></workzag-jobs>")
    for body in (BOMB, external):
        with pytest.raises(SourceError, match="entities"):
            parse_feed("https://acme.jobs.personio.de/xml", body)
    with pytest.raises(SourceError, match="not XML"):
        parse_feed("u", b"<html><body>maintenance")
    with pytest.raises(SourceError, match="workzag-jobs"):
        parse_feed("u", b"<rss></rss>")
    assert len(parse_feed("u", personio_xml([]))) == 0


def test_stored_answers_round_trip_and_malformed_rows_mean_no_plan() -> None:
    answers = [Answer("https://a/jobs", b'{"offset":0}', "sha256:ab"), Answer("https://a/job/1", None, "sha256:cd",
                                                                               '"e1"', "Mon, 07 Dec 2026")]
    rows = stored_plan(answers)
    assert plan_from(json.loads(json.dumps(rows))) == answers
    assert answers[0].headers() == {} and answers[1].headers() == {"If-None-Match": '"e1"',
                                                                    "If-Modified-Since": "Mon, 07 Dec 2026"}
    too_long = stored_plan([Answer("https://a/", None, "sha256:ef", "x" * 600)])
    assert too_long is not None and too_long[0][3] is None and too_long[0][2] == "sha256:ef"  # hash kept
    assert plan_from([["https://a/", None]]) == [] and plan_from("nope") == [] and stored_plan([]) is None


class _Echo(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass

    def _answer(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path.startswith("/moved"):
            self.send_response(int(self.path.rsplit("/", 1)[1]))
            self.send_header("Location", "/echo")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        data = json.dumps({"method": self.command, "body": body.decode(),
                           "type": self.headers.get("Content-Type")}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = _answer  # noqa: N815


@pytest.fixture
def echo() -> Iterator[str]:
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


@pytest.mark.parametrize("status, method, body", [(307, "POST", '{"a":1}'), (308, "POST", '{"a":1}'),
                                                  (303, "GET", ""), (302, "GET", "")])
def test_post_through_the_safe_fetcher_and_its_redirects(echo: str, status: int, method: str, body: str) -> None:
    direct = fetch_url(f"{echo}/echo", max_bytes=10_000, timeout=5, allow_private=True, method="POST",
                       body=b'{"a":1}', headers={"Content-Type": "application/json"})
    assert json.loads(direct.content) == {"method": "POST", "body": '{"a":1}', "type": "application/json"}
    moved = fetch_url(f"{echo}/moved/{status}", max_bytes=10_000, timeout=5, allow_private=True, method="POST",
                      body=b'{"a":1}', headers={"Content-Type": "application/json"})
    assert json.loads(moved.content)["method"] == method and json.loads(moved.content)["body"] == body
    with pytest.raises(ValueError):
        fetch_url(f"{echo}/echo", max_bytes=10, timeout=5, allow_private=True, method="DELETE")


def test_fetch_limit_outside_a_harvest() -> None:
    with AtsServer() as srv:
        srv.workday[("acme", "External")] = workday_postings(45)
        srv.workday[("acme", "External")][2]["can_apply"] = False
        srv.bamboohr["globex"] = [{"id": "10", "title": "Nurse", "city": "Leeds", "country": "United Kingdom",
                                   "description": "Ward work."}]
        srv.bamboohr_gone.add("10")
        http = HttpOptions(base_urls=srv.base_urls(), allow_private=True)
        postings = parse_source("workday:https://acme.wd5.myworkdayjobs.com/External", http=http).fetch(25)
        assert len(postings) == 25 and srv.count("POST") == 2  # a second page only because 25 > 20
        assert [p.closed_reason is not None for p in postings].count(True) == 1
        gone = parse_source("bamboohr:globex", http=http).fetch(5)
        assert [(p.title, p.closed_reason is not None) for p in gone] == [("Nurse", True)]
