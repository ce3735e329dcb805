"""Pure domain tests for postings: feeds, matching, research, fabrication and the report."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from jobagent.errors import InvalidInput
from jobagent.postings.dedup import canonical_url, posting_fingerprint
from jobagent.postings.feeds import parse_feed, read_capped
from jobagent.postings.letters import cv_highlights, write_grounded_letter
from jobagent.postings.matching import rank_postings, score_posting
from jobagent.postings.reports import write_report
from jobagent.postings.research import company_notes
from jobagent.postings.schema import PostingData, ProfileFacts
from jobagent.postings.sources.local import JsonFeedSource

SAMPLE = Path(__file__).resolve().parents[2] / "jobagent" / "data" / "sample_postings.json"


def _feed(path: str) -> list[PostingData]:
    """A feed file as the harvest reads it: the ``feed:`` source's read and parse."""
    source = JsonFeedSource(path)
    return source.parse(source.read())


def _profile(**overrides: object) -> ProfileFacts:
    data: dict[str, object] = dict(
        name="Ada Example", email="ada@example.com", location="Berlin",
        skills=["Python", "PostgreSQL", "Redis", "Docker", "Kubernetes", "AWS", "Django", "Rust"],
        years_experience=6, titles_held=["Backend Developer", "Software Engineer"],
        suggested_titles=["Backend Engineer", "Python Developer"],
    )
    data.update(overrides)
    return ProfileFacts.model_validate(data)


def _posting(title: str, company: str = "Acme", **kw: object) -> PostingData:
    data = {"source": "test", "external_id": title, "title": title, "company": company, **kw}
    return PostingData.model_validate(data)


BACKEND = _posting("Senior Backend Engineer", "Parcelwise", location="Berlin, Germany",
                   url="https://parcelwise.example/p/1",
                   description="Parcelwise builds routing software. We use Python, Django and PostgreSQL "
                               "with Redis queues, all in Docker.")
NURSE = _posting("Registered Nurse", "St. Marien", location="Munich, Germany",
                 description="Intensive care unit, shift work, nursing registration required.")


def _write(tmp_path: Path, data: object, name: str = "feed.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


# --- feeds -------------------------------------------------------------------------------------------------


def test_load_feed_list_form_maps_fields_and_strips_html(tmp_path: Path) -> None:
    path = _write(tmp_path, [{
        "id": 42, "title": "Backend Engineer", "company_name": "Acme", "location": "Berlin",
        "url": "https://acme.example/p/42", "date_posted": "2024-05-02", "salary_min": "60,000",
        "salary_max": 80000, "salary_currency": "EUR", "job_type": "full-time",
        "description": "<p>We build <b>APIs</b> &amp; tools.</p><ul><li>Python</li><li>SQL</li></ul>",
    }])
    [p] = _feed(path)
    assert p.source == f"feed:{path}"
    assert (p.external_id, p.company, p.employment_type) == ("42", "Acme", "full-time")
    assert p.posted_at == datetime(2024, 5, 2, tzinfo=UTC)  # every source gives aware UTC times (text.parse_date)
    assert (p.salary_min, p.salary_max, p.salary_currency) == (60000.0, 80000.0, "EUR")
    assert "<" not in p.description and "APIs & tools." in p.description
    assert "- Python\n- SQL" in p.description
    assert p.remote is False


def test_load_feed_object_form_with_datetime_remote_and_fallback_id(tmp_path: Path) -> None:
    path = _write(tmp_path, {"postings": [
        {"title": "Data Engineer", "company": "Beta", "remote": "yes",
         "posted_at": "2024-05-06T09:30:00+00:00", "url": "https://Beta.example/p/1?utm_source=x"},
        {"title": "Data Engineer", "company": "Gamma"},
    ]})
    first, second = _feed(path)
    assert first.remote is True
    assert first.posted_at is not None and first.posted_at.hour == 9
    assert len(first.external_id) == 40 and first.external_id != second.external_id
    # The fallback id is stable: same feed, same ids.
    assert [p.external_id for p in _feed(path)] == [first.external_id, second.external_id]


def test_entries_without_title_or_company_are_skipped_and_counted(tmp_path: Path) -> None:
    path = _write(tmp_path, [{"title": "Backend Engineer", "company": "Acme"}, {"title": "No company"},
                             {"company": "No title"}, "not an object", {"title": "  ", "company": "Blank"}])
    result = parse_feed(read_capped(path, 10**6), path)
    assert [p.title for p in result.postings] == ["Backend Engineer"]
    assert result.skipped == 4
    assert len(_feed(path)) == 1


def test_bad_json_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "feed.json"
    path.write_text('[\n  {"title": "A", "company": "B"},\n  {"title": oops}\n]\n', encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"not valid JSON: .*feed\.json \(line 3\)"):
        _feed(str(path))


def test_missing_feed_is_invalid_input(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.json")
    with pytest.raises(InvalidInput, match="postings feed not found: " + missing):
        _feed(missing)


def test_wrong_top_level_shape_is_invalid_input(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="must be a list"):
        _feed(_write(tmp_path, {"items": []}))


def test_fingerprint_ignores_case_and_punctuation_but_not_company() -> None:
    a = _posting("Senior Backend Engineer (Python)", "Acme GmbH", location="Berlin, Germany")
    b = _posting("senior backend engineer - python", "ACME GmbH.", location="berlin germany",
                 url="https://other.example")
    c = _posting("Senior Backend Engineer (Python)", "Other GmbH", location="Berlin, Germany")
    assert posting_fingerprint(a) == posting_fingerprint(b)
    assert posting_fingerprint(a) != posting_fingerprint(c)
    assert len(posting_fingerprint(a)) == 40


def test_canonical_url() -> None:
    assert canonical_url("HTTPS://Jobs.Example.COM/p/1/?utm_source=feed&ref=2&UTM_medium=x#apply") == \
        "https://jobs.example.com/p/1?ref=2"
    assert canonical_url("https://jobs.example.com/p/1") == canonical_url("https://jobs.example.com:443/p/1/")
    assert canonical_url("https://jobs.example.com/p/1?a=1") != canonical_url("https://jobs.example.com/p/1?a=2")
    assert canonical_url(None) is None
    assert canonical_url("not a url") is None
    assert canonical_url("mailto:jobs@example.com") is None


# --- matching ----------------------------------------------------------------------------------------------


def test_relevant_posting_outscores_irrelevant_one_with_skill_reasons() -> None:
    good = score_posting(_profile(), BACKEND, query="backend engineer", location="Berlin")
    bad = score_posting(_profile(), NURSE, query="backend engineer", location="Berlin")
    assert good.score > bad.score + 40
    assert 0 <= bad.score <= good.score <= 100
    assert good.matched_skills == ["Python", "PostgreSQL", "Redis", "Docker", "Django"]
    assert good.reasons[0] == "matches 5 of 8 skills: Python, PostgreSQL, Redis, Docker, Django"
    assert bad.matched_skills == []
    assert any("Munich, Germany: same country as Berlin, 505 km away" in r for r in bad.reasons)


def test_skills_match_on_word_boundaries_only() -> None:
    posting = _posting("Engineer", description="We love JavaScript and Gorilla tooling; C++ is a plus.")
    match = score_posting(_profile(skills=["Java", "Go", "C++"]), posting, query="engineer", location=None)
    assert match.matched_skills == ["C++"]


def test_remote_posting_gets_full_location_fit() -> None:
    profile = _profile()
    onsite = _posting("Backend Engineer", location="London, United Kingdom", description="Python")
    remote = onsite.model_copy(update={"remote": True})
    m_onsite = score_posting(profile, onsite, query="backend engineer", location="Berlin")
    m_remote = score_posting(profile, remote, query="backend engineer", location="Berlin")
    # On site in another country keeps ABROAD_FACTOR of its score; remote work based there fits 0.8.
    assert m_remote.score > m_onsite.score + 30
    assert any(r.startswith("remote posting") for r in m_remote.reasons)
    assert any("another country than Berlin, and on site" in r for r in m_onsite.reasons)


def test_seniority_mismatch_costs_points() -> None:
    profile = _profile(years_experience=8)
    query = "backend engineer"
    junior = score_posting(profile, _posting("Junior Backend Engineer"), query=query, location=None)
    senior = score_posting(profile, _posting("Senior Backend Engineer"), query=query, location=None)
    assert senior.score > junior.score
    assert any("below what 8 years" in r for r in junior.reasons)


def test_rank_postings_orders_by_score_then_title_and_limits() -> None:
    twin_a = _posting("A Backend Engineer", description="Python")
    twin_b = _posting("B Backend Engineer", description="Python")
    ranked = rank_postings(_profile(), [NURSE, twin_b, BACKEND, twin_a], query="backend engineer",
                           location="Berlin", limit=3)
    assert [m.posting.title for m in ranked] == ["Senior Backend Engineer", "A Backend Engineer",
                                                 "B Backend Engineer"]


def test_sample_feed_ranks_backend_roles_above_nurse_and_sales() -> None:
    postings = _feed(str(SAMPLE))
    assert len(postings) >= 15
    ranked = rank_postings(_profile(), postings, query="backend engineer", location="Berlin", limit=None)
    titles = [m.posting.title for m in ranked]
    assert "backend" in titles[0].lower()
    # Below every engineering role in Germany or open to it; only on-site work abroad ranks lower.
    assert titles.index("Registered Nurse - Intensive Care") > len(titles) - 5
    assert titles.index("Sales Manager DACH") > len(titles) - 5
    assert titles[-1] == "Head of Customer Success"


# --- research ----------------------------------------------------------------------------------------------


def test_company_notes_count_roles_and_quote_only_postings() -> None:
    postings = [
        BACKEND,
        _posting("Platform Engineer", "Parcelwise", location="Berlin, Germany", remote=True,
                 description="Run Kubernetes. Parcelwise has 120 people."),
        _posting("Platform Engineer", "Someone Else", location="Paris"),
    ]
    notes = company_notes("Parcelwise", postings)
    assert "2 open roles at Parcelwise" in notes
    assert "Platform Engineer, Senior Backend Engineer" in notes
    assert "Remote: 1 of 2 roles" in notes
    assert '"Parcelwise builds routing software."' in notes
    assert "Paris" not in notes and "Run Kubernetes" not in notes
    assert "No open roles" in company_notes("Nobody", postings)


# --- fabrication -------------------------------------------------------------------------------------------


def test_cover_letter_mentions_only_matched_skills_and_real_years() -> None:
    profile = _profile()
    match = score_posting(profile, BACKEND, query="backend engineer", location="Berlin")
    letter = write_grounded_letter(profile, match, company_notes("Parcelwise", [BACKEND]))[0]
    assert "Dear Parcelwise hiring team" in letter
    assert "Senior Backend Engineer" in letter
    for skill in match.matched_skills:
        assert skill in letter
    for absent in ("Kubernetes", "AWS", "Rust"):  # profile skills the posting never mentions
        assert absent not in letter
    assert "6 years of professional experience" in letter
    assert "a backend developer" in letter  # titles read as common nouns in running text ("as an accountant")
    assert letter.rstrip().endswith("ada@example.com")


def test_cover_letter_omits_years_and_skills_when_unknown() -> None:
    profile = _profile(years_experience=None, titles_held=[], skills=["Rust"])
    match = score_posting(profile, BACKEND, query="backend engineer", location="Berlin")
    letter = write_grounded_letter(profile, match, "")[0]
    assert "years" not in letter
    assert "Rust" not in letter and "asks for" not in letter


def test_cv_highlights_are_grounded_and_bounded() -> None:
    profile = _profile()
    match = score_posting(profile, BACKEND, query="backend engineer", location="Berlin")
    bullets = cv_highlights(profile, match)
    assert 3 <= len(bullets) <= 5
    joined = " ".join(bullets)
    assert "6 years" in joined and "Based in Berlin" in joined
    assert "Kubernetes" not in joined and "Rust" not in joined
    thin = _profile(years_experience=None, titles_held=[], location=None)
    assert 3 <= len(cv_highlights(thin, match)) <= 5


# --- delivery ----------------------------------------------------------------------------------------------


def test_write_report_is_atomic_and_complete(tmp_path: Path) -> None:
    profile = _profile()
    ranked = rank_postings(profile, [BACKEND, NURSE], query="backend engineer", location="Berlin", limit=None)
    rows = [(m, company_notes(m.posting.company, [BACKEND, NURSE]), write_grounded_letter(profile, m, "")[0])
            for m in ranked]
    target = tmp_path / "reports" / "nested" / "run.md"
    out = write_report(target, query="backend engineer", location="Berlin", profile_name="Ada Example",
                       matches=rows)
    assert out == target
    text = target.read_text(encoding="utf-8")
    assert "| Rank | Score | Title | Company | Location | Link |" in text
    assert "| 1 |" in text and "| 2 |" in text
    assert text.index("Senior Backend Engineer — Parcelwise") < text.index("Registered Nurse — St. Marien")
    assert "[open](<https://parcelwise.example/p/1>)" in text
    assert "matches 5 of 8 skills" in text
    assert "1 open role at Parcelwise" in text
    assert "> Dear Parcelwise hiring team," in text
    assert "Ada Example" in text
    assert list(tmp_path.rglob("*.partial")) == []


def test_write_report_without_matches(tmp_path: Path) -> None:
    out = write_report(tmp_path / "empty.md", query="backend", location=None, profile_name="Ada", matches=[])
    assert "No postings matched" in out.read_text(encoding="utf-8")
    assert list(tmp_path.glob("*.partial")) == []


def test_text_relevance_breaks_ties_between_generic_titles() -> None:
    from jobagent.postings.matching import rank_postings

    profile = ProfileFacts(name="A", email="a@example.org", location="Berlin", skills=["Rust"])
    on_topic = PostingData(source="t", external_id="1", title="Engineer", company="A", location="Berlin",
                           description="Work on our Kafka streaming platform: Kafka consumers, Kafka ops.")
    off_topic = PostingData(source="t", external_id="2", title="Engineer", company="B", location="Berlin",
                            description="Maintain the office coffee machine and plants.")
    first, second = rank_postings(profile, [off_topic, on_topic], query="kafka engineer", location="Berlin")
    assert first.posting.external_id == "1" and first.score > second.score
    assert "description relevance to the search: 100% of the best posting" in first.reasons
    assert "description relevance to the search: 100% of the best posting" not in second.reasons


def test_csv_feed(tmp_path: Path) -> None:
    path = tmp_path / "postings.csv"
    path.write_text("title,company,location,url,salary_min,remote,description\n"
                    "Data Engineer,Acme,Berlin,https://acme.example/1,60000,false,Python and SQL\n"
                    ",Nameless,Berlin,,,,\n"
                    "SRE,Beta,Remote,,,true,<p>On call</p>\n", encoding="utf-8")
    result = parse_feed(read_capped(str(path), 10**6), str(path))
    assert [p.title for p in result.postings] == ["Data Engineer", "SRE"] and result.skipped == 1
    assert result.postings[0].salary_min == 60000 and result.postings[0].remote is False
    assert result.postings[1].remote is True and result.postings[1].description == "On call"
    path.write_bytes(b"title,company\n\xff\xfe,bad\n")
    with pytest.raises(InvalidInput, match="not UTF-8"):
        parse_feed(read_capped(str(path), 10**6), str(path))
