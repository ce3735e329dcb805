"""The core API on both store backends (PostgreSQL and SQLite), work run in-process."""

from __future__ import annotations

from pathlib import Path

import pytest

from jobagent.api import postings, profiles, runs
from jobagent.store.migrate import current_revision, head_revision
from tests.documents import make_docx


def test_profile_then_search_in_process(env, store_url: str, tmp_path: Path) -> None:
    env(database_url=store_url)
    assert current_revision(store_url) == head_revision()
    cv = make_docx(tmp_path / "cv.docx")
    sub = runs.submit_profiling("Alex Morgan", "alex@example.org", [str(cv)], location="Remote, EU")
    st = runs.get_status(sub.run_id).model_dump()
    assert st["status"] == "completed" and st["progress_percent"] == 100 and st["attempts"] == 1
    profile_id = st["result"]["profile_id"]
    assert profiles.get_profile(profile_id).model_dump()["location"] == "Remote, EU"  # the user's override wins

    search = runs.submit_job_search("data engineer", profile_id=profile_id)
    st = runs.get_status(search.run_id).model_dump()
    assert st["status"] == "completed", st
    assert st["result"]["location"] == "Remote, EU"
    again = runs.submit_job_search("data engineer", profile_id=profile_id)
    assert runs.get_status(again.run_id).model_dump()["result"]["new_postings"] == 0  # dedup across runs
    assert [r.run_id for r in runs.list_runs(limit=2)] == [again.run_id, search.run_id]
    assert runs.list_runs(status="failed") == []


def test_node_failure_is_recorded(env, store_url: str, tmp_path: Path) -> None:
    env(database_url=store_url)
    sub = runs.submit_workflow("test_fail", {"fail_times": 5, "marker_dir": str(tmp_path), "message": "kaputt"})
    st = runs.get_status(sub.run_id).model_dump()
    assert st["status"] == "failed" and st["attempts"] == 1  # in-process runs get one attempt
    assert st["current_node"] == "FailNode" and st["progress_percent"] == 0
    assert st["error_message"] == "FailNode: RuntimeError: kaputt on visit 1"


def test_unknown_workflow_is_refused(env, store_url: str) -> None:
    from jobagent.errors import InvalidInput

    env(database_url=store_url)
    with pytest.raises(InvalidInput, match="unknown workflow type"):
        runs.submit_workflow("nope", {})
    assert runs.list_runs() == []


def test_soft_time_limit_gives_up_cleanly(env, store_url: str) -> None:
    env(database_url=store_url, JOBAGENT_SOFT_TIME_LIMIT="0")
    st = runs.get_status(runs.submit_diagnostic().run_id).model_dump()
    assert st["status"] == "failed" and st["attempts"] == 1
    assert "soft time limit" in st["error_message"] and st["error_message"].startswith("NoopNode: gave up")


def test_models_match_migrations(store_url: str) -> None:
    """Alembic's autogenerate finds nothing to add: the migrations and the models agree."""
    from alembic import command

    from jobagent.store.migrate import alembic_config

    command.check(alembic_config(store_url))


def test_search_and_profile_filters(env, store_url: str, tmp_path: Path) -> None:
    from jobagent.errors import InvalidInput

    env(database_url=store_url)
    base = runs.get_status(runs.submit_job_search("engineer", location="Berlin", max_screening=10).run_id).model_dump()
    companies = {m.company for m in postings.list_matches(base["run_id"])}
    assert "Kontor Finance" in companies

    sub = runs.submit_job_search("engineer", location="Berlin", max_screening=10,
                                 filters={"company_blocklist": ["kontor finance gmbh"], "remote_only": False})
    st = runs.get_status(sub.run_id).model_dump()
    assert st["result"]["filtered_out"]["blocked company"] >= 1
    assert "Kontor Finance" not in {m.company for m in postings.list_matches(sub.run_id)}

    profiled = runs.get_status(runs.submit_profiling(
        "Alex Morgan", "alex@example.org", [str(make_docx(tmp_path / "cv.docx"))]).run_id)
    profile = profiles.get_profile(profiled.result["profile_id"]).model_dump()
    profiles.set_profile_filters(profile["profile_id"], {"remote_only": True})
    remote = runs.submit_job_search("engineer", profile_id=profile["profile_id"], max_screening=10)
    assert runs.get_status(remote.run_id).model_dump()["result"]["filtered_out"]["not remote"] >= 1
    assert all(m.remote for m in postings.list_matches(remote.run_id))

    before = len(runs.list_runs(limit=100))
    with pytest.raises(InvalidInput, match="invalid filter min_salary"):
        runs.submit_job_search("engineer", location="Berlin", filters={"min_salary": -5})
    assert len(runs.list_runs(limit=100)) == before


def test_save_postings_dedups_in_bulk(env, store_url: str) -> None:
    from jobagent.postings.schema import PostingData
    from jobagent.store.session import session_scope
    from tests.stored_postings import store_postings

    env(database_url=store_url)

    def posting(i: int, tag: str, company: str = "Acme") -> PostingData:
        return PostingData(source="t", external_id=f"{tag}{i}", url=f"https://jobs.example/{i}?utm_campaign={tag}",
                           title=f"Engineer {i}", company=company, location="Berlin")

    with session_scope() as s:
        ids, new = store_postings(s, [posting(i, "a") for i in range(1500)])  # more than one IN chunk
    assert new == 1500 and len(set(ids)) == 1500
    again = [posting(i, "b", company="Acme GmbH") for i in range(1000, 2000)]  # same URLs, other wording
    again.append(PostingData(source="t", external_id="x", title="Engineer 5", company="Acme", location="Berlin"))
    with session_scope() as s:
        ids2, new2 = store_postings(s, again + again[:10])
    assert new2 == 500  # 1000-1499 matched by URL, the URL-less one by fingerprint, repeats once
    assert ids2[:500] == ids[1000:1500] and ids2[-1] == ids[5] and len(ids2) == 1001
