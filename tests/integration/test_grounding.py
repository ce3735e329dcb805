"""Cover letters state only what the profile holds, whatever template writes them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from jobagent.api import postings, runs
from jobagent.errors import InvalidInput
from jobagent.postings.letters import ungrounded_claims, write_grounded_letter
from jobagent.postings.schema import MatchResult, PostingData, ProfileFacts

PROFILE = ProfileFacts(name="Jane Doe", email="jane@example.org", location="Berlin, Germany",
                       skills=["Python", "PostgreSQL"], years_experience=7, titles_held=["Backend Engineer"])
POSTING = PostingData(source="t", external_id="1", title="Backend Engineer", company="Acme", location="Berlin",
                      description="Python, PostgreSQL and Kubernetes. 10+ years preferred. PhD a plus.")
MATCH = MatchResult(posting=POSTING, score=80, matched_skills=["Python", "PostgreSQL"])


def test_bundled_template_is_grounded() -> None:
    letter, warnings = write_grounded_letter(PROFILE, MATCH, "")
    assert warnings == []
    assert "7 years" in letter and "Python and PostgreSQL" in letter
    assert "Kubernetes" not in letter and "10" not in letter  # the posting's wishes are not the user's facts
    assert ungrounded_claims(letter, PROFILE, MATCH) == []


def test_invented_facts_are_caught(tmp_path: Path) -> None:
    (tmp_path / "cover_letter.md.j2").write_text("I am {{ name }} with 12 years of Kubernetes and Rust.\n")
    letter, [warning] = write_grounded_letter(PROFILE, MATCH, "", templates_dir=str(tmp_path))
    assert letter == ""  # its one sentence states what the profile does not: nothing is left to send
    assert re.search(r"states what the profile does not: number 12, skill (Rust, skill Kubernetes|Kubernetes, "
                     r"skill Rust); no letter written", warning), warning


def test_invented_employer_and_degree_are_caught() -> None:
    letter = "I worked at Globex Corp for years and hold a PhD. I apply at Acme for the Backend Engineer role."
    assert ungrounded_claims(letter, PROFILE, MATCH) == ["degree PhD", "employer Globex Corp"]


def test_broken_template_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "cover_letter.md.j2").write_text("Dear {{ company }\n")
    with pytest.raises(InvalidInput, match="cover letter template error: TemplateSyntaxError"):
        write_grounded_letter(PROFILE, MATCH, "", templates_dir=str(tmp_path))


def test_user_template_overrides_bundled_one(tmp_path: Path) -> None:
    (tmp_path / "cover_letter.md.j2").write_text("Hello {{ company }}, {{ name }} here ({{ skills }}).\n")
    assert write_grounded_letter(PROFILE, MATCH, "", templates_dir=str(tmp_path)) == \
        ("Hello Acme, Jane Doe here (Python and PostgreSQL).\n", [])


def test_search_with_ungrounded_template_keeps_matches_without_letters(env, store_url: str, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "cover_letter.md.j2").write_text("{{ name }}: 99 years of COBOL.\n")
    env(database_url=store_url, JOBAGENT_TEMPLATES_DIR=str(templates))
    from tests.documents import make_pdf

    prof = runs.get_status(runs.submit_profiling("Alex Morgan", "alex@example.org",
                                                 [str(make_pdf(tmp_path / "cv.pdf"))]).run_id).model_dump()
    st = runs.get_status(runs.submit_job_search("data engineer", profile_id=prof["result"]["profile_id"])
                         .run_id).model_dump()
    assert st["status"] == "completed"
    assert st["result"]["warnings"] and "number 99" in st["result"]["warnings"][0]
    matches = [x.model_dump() for x in postings.list_matches(st["run_id"])]
    assert matches and not any(m["has_cover_letter"] for m in matches)
