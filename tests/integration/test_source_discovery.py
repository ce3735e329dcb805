"""``jobagent sources discover URL``: careers pages on 127.0.0.1 that link to or embed each applicant-tracking
system name the right spec; a page with JobPosting markup only becomes ``jsonld:URL``; ``--add`` adds the
board through ``sources add`` (checked against a real board server); a page naming nothing is one line, exit 3.

The embeds are written the way vendors publish them and open-source clients read them: Greenhouse's
``boards.greenhouse.io/embed/job_board/js?for=TOKEN`` script and ``job-boards.greenhouse.io/TOKEN`` links
(Greenhouse's embed docs; BetterJobs' "Greenhouse Embedded Job Board Scraper" notes), Lever's hosted
``jobs.lever.co/SITE/ID`` pages, Ashby's ``jobs.ashbyhq.com/BOARD/embed`` script, Workable's
``apply.workable.com/ACCOUNT/`` links, SmartRecruiters' ``jobs.smartrecruiters.com/COMPANY/ID``, Recruitee's
``COMPANY.recruitee.com/o/SLUG``, Personio's ``COMPANY.jobs.personio.de/job/ID``, BambooHR's
``COMPANY.bamboohr.com/js/embed.js`` and Workday's ``TENANT.wd5.myworkdayjobs.com/en-US/SITE/job/...`` and
``wd3.myworkdaysite.com/recruiting/TENANT/SITE``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.board_server import BoardServer
from tests.jsonld_pages import JsonLdSite, page, posting

CASES = {
    "greenhouse-embed": ('<div id="grnhse_app"></div><script src="https://boards.greenhouse.io/embed/job_board/js'
                         '?for=acme"></script>', "greenhouse:acme"),
    "greenhouse-new-boards": ('<a href="https://job-boards.greenhouse.io/acme/jobs/4012345">Engineer</a>',
                              "greenhouse:acme"),
    "greenhouse-api": ('<script>fetch("https://boards-api.greenhouse.io/v1/boards/typeform/departments/")</script>',
                       "greenhouse:typeform"),
    "lever": ('<a href="https://jobs.lever.co/globex/7d9b5c1e-0a1b-4c2d-9e8f-123456789abc">Apply</a>',
              "lever:globex"),
    "lever-inline": ("<script>window.careers = {board: 'https://jobs.lever.co/inline-co'};</script>",
                     "lever:inline-co"),
    "ashby": ('<script src="https://jobs.ashbyhq.com/initech/embed?version=2"></script>', "ashby:initech"),
    "workable": ('<a href="https://apply.workable.com/hooli/">Open roles</a>', "workable:hooli"),
    "smartrecruiters": ('<a href="https://jobs.smartrecruiters.com/Umbrella/744000012345678-nurse">Nurse</a>',
                        "smartrecruiters:Umbrella"),
    "smartrecruiters-careers": ('<iframe src="https://careers.smartrecruiters.com/Umbrella"></iframe>',
                                "smartrecruiters:Umbrella"),
    "recruitee": ('<a href="https://soylent.recruitee.com/o/backend-engineer">Backend</a>', "recruitee:soylent"),
    "personio": ('<a href="https://wonka.jobs.personio.de/job/1234567?language=de">Job</a>', "personio:wonka"),
    "personio-com": ('<a href="https://wonka.jobs.personio.com/">Jobs</a>', "personio:wonka"),
    "bamboohr": ('<div id="BambooHR"></div><script src="https://vandelay.bamboohr.com/js/embed.js"></script>',
                 "bamboohr:vandelay"),
    "workday": ('<a href="https://acme.wd5.myworkdayjobs.com/en-US/External_Careers/job/Berlin/Engineer_R-1">'
                "Engineer</a>", "workday:https://acme.wd5.myworkdayjobs.com/External_Careers"),
    "workday-site": ('<a href="https://wd3.myworkdaysite.com/recruiting/acme/Careers">Careers</a>',
                     "workday:https://wd3.myworkdaysite.com/recruiting/acme/Careers"),
}
UNRELATED = ('<a href="https://www.linkedin.com/company/acme">LinkedIn</a>'
             '<a href="https://www.greenhouse.io/">Greenhouse the vendor</a><a href="https://lever.co/">Lever</a>'
             '<script src="https://www.workable.com/assets/embed.js"></script>')


@pytest.fixture
def site() -> Iterator[JsonLdSite]:
    with JsonLdSite() as srv:
        for name, (html, _spec) in CASES.items():
            srv.pages[f"/{name}"] = page(body=UNRELATED + html)
        srv.pages["/markup-only"] = page(posting("X-1", "Gardener"), body="<h1>Work with us</h1>")
        srv.pages["/nothing"] = page(body=UNRELATED + "<p>We are not hiring.</p>")
        srv.pages["/two-boards"] = page(body=CASES["lever"][0] + CASES["greenhouse-embed"][0])
        yield srv


@pytest.fixture
def boards() -> Iterator[BoardServer]:
    with BoardServer() as srv:
        srv.boards["greenhouse:acme"] = [{"id": 1, "title": "Engineer", "location": "Berlin", "description": "x"}]
        yield srv


def test_each_ats_is_named_by_its_spec(env, site: JsonLdSite, cli_main) -> None:
    env(JOBAGENT_ALLOW_PRIVATE_URLS="true")
    for name, (_html, spec) in CASES.items():
        code, out, err = cli_main("sources", "discover", f"{site.base}/{name}", "--json")
        assert code == 0, (name, err)
        found = json.loads(out)["sources"]
        assert [f["spec"] for f in found] == [spec], name
    code, out, _ = cli_main("sources", "discover", f"{site.base}/two-boards", "--json")
    assert [f["spec"] for f in json.loads(out)["sources"]] == ["lever:globex", "greenhouse:acme"]
    code, out, _ = cli_main("sources", "discover", f"{site.base}/markup-only")
    assert code == 0 and f"jsonld:{site.base}/markup-only" in out.replace("\n", "")


def test_a_page_naming_nothing_is_one_line_and_exit_3(env, site: JsonLdSite, cli_main) -> None:
    env(JOBAGENT_ALLOW_PRIVATE_URLS="true")
    code, out, err = cli_main("sources", "discover", f"{site.base}/nothing")
    assert code == 3 and out == "", (out, err)
    assert len(err.strip().splitlines()) == 1 and "no applicant-tracking system" in err
    assert "Traceback" not in err


def test_private_pages_are_refused_unless_allowed(env, site: JsonLdSite, cli_main) -> None:
    env()
    code, _out, err = cli_main("sources", "discover", f"{site.base}/lever")
    assert code == 3 and len(err.strip().splitlines()) == 1 and site.hits() == {}


def test_add_puts_the_discovered_board_on_the_schedule(env, store_url: str, site: JsonLdSite, boards: BoardServer,
                                                      cli_main) -> None:
    env(database_url=store_url, JOBAGENT_ALLOW_PRIVATE_URLS="true", JOBAGENT_HOST_MIN_INTERVAL="0.01",
        JOBAGENT_SOURCE_BASE_URLS=json.dumps(boards.base_urls()))
    code, out, err = cli_main("sources", "discover", f"{site.base}/greenhouse-embed", "--add", "--json")
    assert code == 0, err
    view = json.loads(out)
    assert view["added"]["source"] == "greenhouse:acme" and view["added"]["checked"] is True
    assert view["added"]["postings"] == 1 and boards.count() == 1  # one checking request
    code, out, _ = cli_main("sources", "list", "--json")
    rows = {r["source"]: r for r in json.loads(out)["sources"]}
    assert rows["greenhouse:acme"]["configured"] is True and rows["greenhouse:acme"]["next_harvest_at"] == "due now"

    code, _out, err = cli_main("sources", "discover", f"{site.base}/lever", "--add")  # lever:globex: no such board
    assert code == 3 and "no such board" in err and len([x for x in err.splitlines() if x.startswith("error:")]) == 1
    code, out, _ = cli_main("sources", "list", "--json")
    assert "lever:globex" not in {r["source"] for r in json.loads(out)["sources"]}
