"""Issue 24/25 open point: a title too common for the candidate cut must not hide the person's own city.

The feed holds 2,400 English maths-teacher and electrician postings in 40 other cities, and, at its end,
three in Leeds (written "Leeds LS6", "Leeds, West Yorkshire", "LEEDS") and three German electrician postings
in München ("80797 München", "Munich", "Muenchen"). Every title matches as well as every other, so the
300-candidate title pass keeps an arbitrary 300 of the 1,200 per title. The near pass must bring the local
postings in, the matcher must
rank the exact local titles first, and a search elsewhere must not be given them.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from jobagent.api import ops
from jobagent.api import postings as postings_api
from jobagent.postings.harvest import harvest_source
from jobagent.postings.search import find_candidates
from jobagent.store.models import Posting
from jobagent.store.session import session_scope

ELSEWHERE = ["Bristol", "Manchester", "Sheffield", "Swansea", "Aberdeen", "Liverpool", "Newcastle upon Tyne", "Hull",
             "Nottingham", "Leicester", "Birmingham", "Coventry", "Cardiff", "Glasgow", "Edinburgh", "Norwich",
             "Exeter", "Plymouth", "Brighton", "Oxford", "Boston, MA", "Denver, CO", "Austin, TX", "Toronto",
             "Dublin", "Cork", "Hamburg", "Berlin", "Köln", "Stuttgart", "Nürnberg", "Wien", "Zürich", "Sydney",
             "Auckland", "Cape Town", "Chicago", "Seattle", "Vancouver", "Perth, Scotland"]
LOCAL = {
    "leeds-1": ("Mathematics Teacher", "Leeds LS6"), "leeds-2": ("Teacher of Mathematics", "Leeds, West Yorkshire"),
    "leeds-3": ("Mathematics Teacher (KS3-KS5)", "LEEDS"),
    "muc-1": ("Elektroniker für Betriebstechnik (m/w/d)", "80797 München"),
    "muc-2": ("Electrician", "Munich, Germany"), "muc-3": ("Electrician - Industrial", "Muenchen"),
}


def _feed() -> list[dict[str, Any]]:
    rng = random.Random(24)
    rows = []
    for i in range(2400):
        title = ["Mathematics Teacher", "Teacher of Mathematics", "Electrician", "Electrician - Industrial"][i % 4]
        rows.append({"id": f"far-{i:04d}", "title": title, "company": f"Employer {i % 97}",
                     "location": rng.choice(ELSEWHERE), "description": f"{title} wanted. Full time."})
    for pid, (title, where) in LOCAL.items():
        rows.append({"id": pid, "title": title, "company": f"Local {pid}", "location": where,
                     "description": f"{title} wanted. Full time."})
    return rows


@pytest.fixture()
def feed(env, store_url: str, tmp_path: Path) -> Path:
    env(database_url=store_url, JOBAGENT_SEARCH_CANDIDATES="300")
    ops.ensure_schema()
    path = tmp_path / "common-titles.json"
    path.write_text(json.dumps(_feed()), encoding="utf-8")
    assert harvest_source(f"feed:{path}").outcome != "failed"
    return path


def _ids(query: str, near: str | None) -> set[str]:
    with session_scope() as s:
        found = find_candidates(s, query, None, limit=300, near=near)
        assert len(found.posting_ids) == 300  # the cut is what is under test: more matches than room
        return {e for e, in s.execute(Posting.__table__.select().with_only_columns(Posting.external_id)
                                      .where(Posting.id.in_(found.posting_ids)))}


@pytest.mark.parametrize("store_url", ["postgres", "sqlite"], indirect=True)
def test_the_persons_city_survives_the_candidate_cut(feed: Path) -> None:
    leeds = {"leeds-1", "leeds-2", "leeds-3"}
    munich = {"muc-1", "muc-2", "muc-3"}
    # The premise: ranked on the title alone, 300 of 1,200 equally good titles leave local postings out.
    assert not leeds <= _ids("Mathematics Teacher", None) or not munich <= _ids("Electrician", None)
    assert leeds <= _ids("Mathematics Teacher", "Leeds")
    assert leeds <= _ids("Mathematics Teacher", "Leeds, West Yorkshire, UK")
    assert munich <= _ids("Electrician", "München")  # "Munich" and "Muenchen" too, and the German title
    assert munich <= _ids("Electrician", "Munich")
    # Another city gets none of them pushed in, and an unknown place changes nothing.
    assert not (leeds | munich) & (_ids("Mathematics Teacher", "Bristol") - _ids("Mathematics Teacher", None))
    assert _ids("Electrician", "Little Snoring, Norfolk") == _ids("Electrician", None)


@pytest.mark.parametrize("store_url", ["postgres", "sqlite"], indirect=True)
def test_a_search_ranks_the_local_postings_first(feed: Path, cli_main: Callable[..., tuple[int, str, str]]) -> None:
    code, out, err = cli_main("search", "Mathematics Teacher", "--location", "Leeds", "--feed", str(feed),
                              "--wait", "--json")
    assert code == 0, err
    run = json.loads(out)
    assert run["status"] == "completed", run
    places = [m.location for m in postings_api.list_matches(run["run_id"])]
    # The two exact titles in Leeds lead; "(KS3-KS5)" costs its extra words against exact titles 46 km off
    # in Sheffield, which is the matcher's weighing, not the cut (the test above shows it is a candidate).
    assert set(places[:2]) == {"Leeds LS6", "Leeds, West Yorkshire"}, places
