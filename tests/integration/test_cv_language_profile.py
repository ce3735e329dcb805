"""A German Lebenslauf through the user's path (submit_profiling, as `profile create` calls it) on both
backends: the stored profile holds the city from "80797 München", the apprenticeship as education, the
spoken languages with their levels and the CV's language (migration 0015), and it can search at once."""

from __future__ import annotations

from pathlib import Path

from jobagent.api import profiles, runs
from tests.cv_languages import CVS, render


def test_a_german_cv_gives_a_profile_that_can_search(env, store_url: str, tmp_path: Path) -> None:
    env(database_url=store_url)
    cv = next(c for c in CVS if c.key == "de-electrician")
    path = render(cv, "pdf", tmp_path)
    status = runs.get_status(runs.submit_profiling(cv.name, "markus.huber@example.org", [str(path)]).run_id)
    assert status.status == "completed", status.error_message
    view = profiles.get_profile(str((status.result or {})["profile_id"]))
    assert view.location == "München"
    assert view.cv_language == "de"
    assert view.languages == ["German (native)", "English (B2)"]
    assert view.suggested_titles[0] == "Elektroniker für Betriebstechnik"
    assert "Electrical Engineer" not in view.suggested_titles
    assert [e["employer"] for e in view.experience] == ["BMW AG", "Stadtwerke München GmbH"]
    assert cv.apprenticeship in [e["degree"] for e in view.education]
    assert view.level == "mid"


def test_a_level_edit_keeps_a_german_profile_s_own_titles(env, store_url: str, tmp_path: Path) -> None:
    env(database_url=store_url)
    cv = next(c for c in CVS if c.key == "de-electrician")
    status = runs.get_status(runs.submit_profiling(cv.name, "markus.huber@example.org",
                                                   [str(render(cv, "docx", tmp_path))]).run_id)
    profile_id = str((status.result or {})["profile_id"])
    edited = profiles.edit_profile(profile_id, profiles.ProfileEdit(level="senior"))
    assert edited.level == "senior"
    assert edited.suggested_titles[0] == "Elektroniker für Betriebstechnik", edited.suggested_titles
    assert not any("Engineer" in t for t in edited.suggested_titles), edited.suggested_titles
