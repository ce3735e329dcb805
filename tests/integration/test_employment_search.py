"""Issue 24 §4 end to end: kinds are stored at harvest, an apprenticeship is screened out of a senior
profile's search, and the same search with ``--type apprenticeship`` (CLI -> core API -> search spec) shows it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from jobagent.api import postings as postings_api
from jobagent.store.models import Posting
from jobagent.store.session import session_scope
from tests.board_data import make_profile, write_feed

SCREENED = "apprenticeship, internship or working-student post; the person is above entry level"


def _feed(path: Path) -> Path:
    return write_feed(path, [
        {"id": "azubi", "title": "Ausbildung zum Elektroniker für Betriebstechnik (m/w/d)", "company": "Stadtwerke",
         "location": "Berlin", "description": "Deine dreijährige Ausbildung beginnt im August. Vollzeit."},
        {"id": "senior", "title": "Elektroniker für Betriebstechnik (m/w/d)", "company": "Netzbau GmbH",
         "location": "Berlin", "description": "Wartung von Schaltanlagen, Vollzeit, unbefristet. SPS, KNX."},
        {"id": "student", "title": "Werkstudent Elektroniker für Betriebstechnik (m/w/d)", "company": "Netzbau GmbH",
         "location": "Berlin", "description": "Teilzeit neben dem Studium, 20 Stunden."},
        {"id": "typed", "title": "Elektroniker Nachwuchs", "company": "Kabelwerk", "location": "Berlin",
         "employment_type": "Apprenticeship", "description": "Lerne den Beruf bei uns."},
    ])


def _run(cli: Callable[..., tuple[int, str, str]], *args: str) -> dict:
    code, out, err = cli("search", "Elektroniker für Betriebstechnik", "--location", "Berlin", *args,
                         "--wait", "--json")
    assert code == 0, err
    return json.loads(out)


@pytest.mark.parametrize("store_url", ["postgres", "sqlite"], indirect=True)
def test_apprenticeship_screened_for_a_senior_profile_unless_asked_for(
        env, store_url: str, tmp_path: Path, cli_main: Callable[..., tuple[int, str, str]]) -> None:
    env(database_url=store_url)
    feed = _feed(tmp_path / "feed.json")
    profile_id = make_profile(skills=["SPS", "KNX"], years_experience=12, location="Berlin, Germany",
                              suggested_titles=["Elektroniker für Betriebstechnik"])
    common = ("--profile", profile_id, "--feed", str(feed))

    plain = _run(cli_main, *common)
    assert plain["status"] == "completed", plain
    titles = [m.title for m in postings_api.list_matches(plain["run_id"])]
    assert titles == ["Elektroniker für Betriebstechnik (m/w/d)"]
    assert plain["result"]["filtered_out"][SCREENED] == 3

    with session_scope() as s:  # parsed once, at harvest, and stored on the posting
        stored = dict(s.execute(select(Posting.external_id, Posting.employment_kinds)).all())
    assert stored == {"azubi": "full_time apprenticeship", "senior": "full_time",
                      "student": "part_time working_student", "typed": "apprenticeship"}

    asked = _run(cli_main, *common, "--type", "apprenticeship")
    assert asked["status"] == "completed", asked
    shown = {m.title for m in postings_api.list_matches(asked["run_id"])}
    assert shown == {"Ausbildung zum Elektroniker für Betriebstechnik (m/w/d)", "Elektroniker Nachwuchs"}
    assert asked["result"]["filtered_out"]["not the employment type asked for"] == 2
    assert SCREENED not in asked["result"]["filtered_out"]


def test_unknown_type_is_one_clear_line_and_the_input_error_exit(env, tmp_path: Path,
                                                   cli_main: Callable[..., tuple[int, str, str]]) -> None:
    env()
    code, out, err = cli_main("search", "Elektroniker", "--location", "Berlin", "--type", "wizard",
                              "--feed", str(_feed(tmp_path / "feed.json")))
    assert code == 3, (code, out, err)  # InvalidInput, as every refused field
    assert "unknown employment type 'wizard'" in err
    assert len(err.strip().splitlines()) == 1
