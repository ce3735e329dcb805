"""Never drop a right posting silently (issue 24 §2, §7): every candidate not kept is counted, and
``matches RUN --why-not POSTING`` says why a posting is missing, with its score parts; on both backends."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from jobagent.api import ops
from jobagent.api import postings as postings_api
from jobagent.api import runs as runs_api
from jobagent.postings.matching import SCORE_FLOOR
from jobagent.store.models import Posting, UserProfile
from jobagent.store.session import session_scope

BODY = "Run Kubernetes and Terraform with Prometheus alerting for a busy platform. " * 6


def _feed(tmp_path: Path, rows: list[dict[str, object]]) -> str:
    feed = tmp_path / "postings.json"
    feed.write_text(json.dumps(rows), encoding="utf-8")
    return f"feed:{feed}"


def _profile(**fields: object) -> str:
    with session_scope() as s:
        p = UserProfile(name="Sam Reyes", email="sam@example.org", **fields)
        s.add(p)
        s.flush()
        return p.id


def _ids() -> dict[str, str]:
    with session_scope() as s:
        return {ext: pid for pid, ext in s.execute(select(Posting.id, Posting.external_id))}


def test_why_not_screened_below_floor_not_candidate_and_score_parts(env, store_url: str, tmp_path: Path,
                                                                    cli_main) -> None:
    env(database_url=store_url)
    source = _feed(tmp_path, [
        {"id": "right", "title": "Site Reliability Engineer", "company": "Canal Cloud",
         "location": "Amsterdam, Netherlands", "description": BODY, "employment_type": "FULL_TIME",
         "salary_min": 70000, "salary_max": 85000, "salary_currency": "EUR", "salary_interval": "year"},
        {"id": "us-only", "title": "Site Reliability Engineer", "company": "Yankee Ops", "remote": True,
         "location": "Remote (US only)", "description": BODY},
        {"id": "weak", "title": "Site Manager", "company": "Maple Builders", "location": "Toronto, Canada",
         "description": "Manage the building site and its crews."},
        {"id": "blocked", "title": "Site Reliability Engineer", "company": "Blocked Corp",
         "location": "Amsterdam, Netherlands", "description": BODY},
        {"id": "chef", "title": "Pastry Chef", "company": "Bakery Noord", "location": "Amsterdam, Netherlands",
         "description": "Bake bread and cakes every morning."},
    ])
    ops.ensure_schema()
    pid = _profile(location="Amsterdam, Netherlands", skills=["Kubernetes", "Terraform", "Prometheus"],
                   years_experience=4, suggested_titles=["Site Reliability Engineer"])
    run = runs_api.submit_job_search("Site Reliability Engineer", profile_id=pid, sources=[source],
                                     filters={"company_blocklist": ["blocked corp"]}).run_id
    st = runs_api.get_status(run).model_dump()
    assert st["status"] == "completed", st
    ids = _ids()
    matches = postings_api.list_matches(run)
    assert [m.posting_id for m in matches] == [ids["right"]]
    top = matches[0]
    # The parts add up to the score (each is rounded to one decimal) and name every component.
    assert {"skills", "title", "place", "level"} <= set(top.score_parts)
    assert abs(sum(top.score_parts.values()) - top.score) < 0.5
    assert top.score_parts["skills"] > top.score_parts["level"] > 0
    # Reasons name distance/place, level, type and pay where the posting states them.
    joined = "; ".join(top.reasons)
    assert "matching Amsterdam" in joined and "level title" in joined
    assert "type: full-time" in joined and "pay 70,000–85,000 EUR/year" in joined

    filtered = st["result"]["filtered_out"]
    assert filtered["remote, but not open to the person's country"] == 1
    assert filtered["below the score floor"] == 1  # counted, not silently dropped

    screened = runs_api_why(cli_main, run, ids["us-only"])
    assert screened["fate"] == "screened" and "not open to the person's country" in screened["reason"]
    weak = runs_api_why(cli_main, run, ids["weak"])
    assert weak["fate"] == "below_floor" and weak["score"] < SCORE_FLOOR
    assert weak["score_parts"]["abroad"] < 0  # on site in Canada, for someone in Amsterdam
    assert abs(sum(weak["score_parts"].values()) - weak["score"]) < 0.5
    missing = runs_api_why(cli_main, run, ids["chef"])
    assert missing["fate"] == "not_a_candidate" and "Site Reliability Engineer" in missing["reason"]
    blocked = runs_api_why(cli_main, run, ids["blocked"])
    assert blocked["fate"] == "filtered" and blocked["reason"] == "blocked company"
    shown = runs_api_why(cli_main, run, ids["right"])
    assert shown["fate"] == "shown" and shown["position"] == 1

    code, out, _ = cli_main("matches", run, "--why-not", ids["weak"])  # the table face: one line and the parts
    assert code == 0 and "below the score floor" in out and "abroad -" in out
    code, _, err = cli_main("matches", run, "--why-not", "no-such-posting")
    assert code == 3 and "no-such-posting" in err


def runs_api_why(cli_main, run: str, posting_id: str) -> dict[str, object]:
    code, out, err = cli_main("matches", run, "--why-not", posting_id, "--json")
    assert code == 0, err
    answer = json.loads(out)
    assert answer["posting_id"] == posting_id and answer["run_id"] == run
    return answer
