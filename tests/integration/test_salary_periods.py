"""Pay with its period from a harvested feed to every face, on both store backends (issue 24 §6).

A feed says ``salary_interval: "month"``: the match table shows "/month", ``matches --json`` and the board's
JSON (CLI and HTTP) carry the period and the yearly figures, and ``--min-salary`` compares yearly figures, so
4,000 a month (48,000 a year) passes a 40,000 minimum that 1,200 a month (14,400 a year) does not.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import update

from jobagent.api import board as board_api
from jobagent.api import postings as postings_api
from jobagent.api import runs as runs_api
from jobagent.store.models import Posting, UserProfile
from jobagent.store.session import session_scope
from tests.web_stack import TOKEN

BODY = "Build Python services with Django and PostgreSQL, review code and run them in production. " * 4
FEED = [
    {"id": "monthly-high", "title": "Python Developer", "company": "Hochlohn GmbH", "location": "Berlin",
     "salary_min": 4000, "salary_max": 5000, "salary_currency": "EUR", "salary_interval": "month"},
    {"id": "monthly-low", "title": "Python Developer", "company": "Kleinlohn GmbH", "location": "Berlin",
     "salary_min": "1.200", "salary_max": "1.400", "salary_currency": "EUR", "salary_interval": "month"},
    {"id": "hourly", "title": "Python Developer", "company": "Stunden AG", "location": "Berlin",
     "salary": "25 - 30 € pro Stunde"},
    {"id": "yearly-text", "title": "Python Developer", "company": "Jahres GmbH", "location": "Berlin",
     "salary": "bis zu 38.000 € brutto jährlich"},
    {"id": "unreadable", "title": "Python Developer", "company": "Vage GmbH", "location": "Berlin",
     "salary": "competitive"},
]


def _profile() -> str:
    with session_scope() as s:
        p = UserProfile(name="Kim Vogel", email="kim@example.org", location="Berlin, Germany",
                        skills=["Python", "Django", "PostgreSQL"], suggested_titles=["Python Developer"])
        s.add(p)
        s.flush()
        return p.id


def test_monthly_pay_shows_its_period_and_filters_by_the_year(env, store_url: str, tmp_path: Path,
                                                              cli_main: Callable[..., tuple[int, str, str]]) -> None:
    env(database_url=store_url)
    feed = tmp_path / "feed.json"
    feed.write_text(json.dumps([{**p, "description": BODY} for p in FEED]), encoding="utf-8")
    code, out, err = cli_main("harvest", f"feed:{feed}", "--json")
    assert code == 0, err
    assert json.loads(out)[0]["new"] == len(FEED)
    with session_scope() as s:  # stored as given, plus the yearly figures
        stored = {p.external_id: p for p in s.query(Posting)}
        high, low = stored["monthly-high"], stored["monthly-low"]
        assert (high.salary_min, high.salary_max, high.salary_interval) == (4000, 5000, "month")
        assert (high.salary_annual_min, high.salary_annual_max) == (48_000, 60_000)
        assert (low.salary_min, low.salary_annual_max) == (1200, 16_800)  # "1.200" is 1,200, not 1.2
        assert (stored["hourly"].salary_interval, stored["hourly"].salary_annual_max) == ("hour", 62_400)
        vague = stored["unreadable"]
        assert (vague.salary_min, vague.salary_annual_min, vague.salary_text) == (None, None, "competitive")

    profile_id = _profile()
    everything = runs_api.submit_job_search("Python Developer", profile_id=profile_id, sources=[f"feed:{feed}"],
                                            num_results=10, max_screening=5)
    code, out, err = cli_main("matches", everything.run_id, "--json")
    assert code == 0, err
    by_company = {m["company"]: m for m in json.loads(out)}
    assert set(by_company) == {p["company"] for p in FEED}
    high_match = by_company["Hochlohn GmbH"]
    assert (high_match["salary_min"], high_match["salary_max"], high_match["salary_period"]) == (4000, 5000, "month")
    assert (high_match["salary_annual_min"], high_match["salary_annual_max"]) == (48_000, 60_000)
    assert by_company["Vage GmbH"]["salary_text"] == "competitive"
    assert by_company["Vage GmbH"]["salary_annual_max"] is None

    code, table, err = cli_main("matches", everything.run_id)
    assert code == 0, err
    assert "€4,000–5,000/month" in table and "€1,200–1,400/month" in table and "€25–30/hour" in table

    code, out, err = cli_main("board", profile_id, "--json")
    assert code == 0, err
    rows = {r["company"]: r for r in json.loads(out)}
    assert rows["Hochlohn GmbH"]["salary"] == "4,000–5,000 EUR/month"
    assert (rows["Hochlohn GmbH"]["salary_period"], rows["Hochlohn GmbH"]["salary_annual_max"]) == ("month", 60_000)
    assert rows["Vage GmbH"]["salary"] == "competitive"  # the words, and no number
    code, board_table, err = cli_main("board", profile_id)
    assert code == 0, err
    assert "€4–5k/mo" in board_table and "competitive" in board_table
    assert max(len(line) for line in board_table.splitlines()) <= 80

    from jobagent.config import get_settings
    from jobagent.web import create_app

    client = create_app(get_settings().model_copy(update={"api_tokens": TOKEN})).test_client()
    resp = client.get(f"/profiles/{profile_id}/board", headers={"Authorization": f"Bearer {TOKEN}"})
    assert resp.status_code == 200, resp.json
    web = {r["company"]: r for r in resp.json["rows"]}
    assert (web["Kleinlohn GmbH"]["salary_period"], web["Kleinlohn GmbH"]["salary_annual_min"]) == ("month", 14_400)

    # 40,000 a year: the monthly 4,000-5,000 (48,000-60,000) and hourly 25-30 (52,000-62,400) stay; 1,200-1,400
    # a month and "up to 38,000 a year" go; "competitive" states no figure and is kept.
    code, out, err = cli_main("search", "Python Developer", "--profile", profile_id, "--source", f"feed:{feed}",
                              "--min-salary", "40000", "--num-results", "10", "--max-screening", "5", "--wait",
                              "--json")
    assert code == 0, err
    filtered = json.loads(out)
    assert filtered["result"]["filtered_out"]["salary below minimum"] == 2
    code, out, err = cli_main("matches", filtered["run_id"], "--json")
    assert code == 0, err
    assert {m["company"] for m in json.loads(out)} == {"Hochlohn GmbH", "Stunden AG", "Vage GmbH"}

    # A row stored before the parser (the source's interval word, no yearly figures) reads the same way.
    with session_scope() as s:
        s.execute(update(Posting).where(Posting.external_id == "monthly-low").values(
            salary_interval="per-month-salary", salary_annual_min=None, salary_annual_max=None))
    old = next(m for m in postings_api.list_matches(everything.run_id) if m.company == "Kleinlohn GmbH")
    assert (old.salary_period, old.salary_annual_min, old.salary_annual_max) == ("month", 14_400, 16_800)
    legacy = next(r for r in board_api.board(profile_id, record_look=False).rows if r.company == "Kleinlohn GmbH")
    assert (legacy.salary, legacy.salary_annual_max) == ("1,200–1,400 EUR/month", 16_800)
