"""Why-not's answers for postings that were no candidate, and the facts a match's reasons name (issue 24
§2, §7): pure functions, so every branch is pinned here without a store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from jobagent.postings.explain import posting_facts, relocation, split_score
from jobagent.postings.schema import PostingData, ProfileFacts
from jobagent.postings.why_not import MAX_FATES, explain

START = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
END = START + timedelta(seconds=5)


def _explain(fates: list[dict[str, object]] | None = None, **posting: object) -> dict[str, object]:
    facts: dict[str, object] = {"first_seen": START - timedelta(days=1), "closed_reason": None, "closed_at": None,
                                "searched_sources": [], "source": "feed:a.json", **posting}
    return explain("p1", fates or [], query="Data Analyst", run_started=START, run_ended=END, **facts)  # type: ignore[arg-type]


def test_a_posting_that_was_no_candidate_says_what_the_store_can_tell() -> None:
    assert "did not return it" in str(_explain()["reason"]) and _explain()["fate"] == "not_a_candidate"
    closed = _explain(closed_at=START - timedelta(hours=1), closed_reason="gone from 2 harvests")
    assert "closed before the search (gone from 2 harvests)" in str(closed["reason"])
    later = _explain(first_seen=END + timedelta(minutes=1))
    assert "harvested after this run" in str(later["reason"])
    other = _explain(searched_sources=["feed:b.json"])
    assert "feed:a.json was not among the sources" in str(other["reason"])
    full = _explain([{"posting_id": f"x{i}", "fate": "shown"} for i in range(MAX_FATES)])
    assert f"not among the {MAX_FATES} candidates" in str(full["reason"])
    recorded = _explain([{"posting_id": "p1", "fate": "screened", "reason": "trainee post"}])
    assert recorded == {"posting_id": "p1", "fate": "screened", "reason": "trainee post"}


def test_posting_facts_name_type_liveness_and_pay_only_where_known() -> None:
    now = datetime(2026, 12, 7, tzinfo=UTC)
    bare = PostingData(source="s", external_id="1", title="Chef", company="Bistro")
    assert posting_facts(bare, now=now) == []
    full = bare.model_copy(update={"employment_type": "PART_TIME", "valid_through": datetime(2026, 12, 31),
                                   "posted_at": datetime(2026, 12, 4), "salary_annual_min": 30000.0,
                                   "salary_annual_max": 36000.0, "salary_currency": "EUR"})
    assert posting_facts(full, now=now) == ["type: part-time", "open until 2026-12-31", "posted 3 days ago",
                                            "pay 30,000–36,000 EUR a year"]
    hourly = bare.model_copy(update={"salary_min": 15.0, "salary_interval": "hour", "salary_currency": "GBP",
                                     "valid_through": datetime(2026, 12, 1)})
    assert posting_facts(hourly, now=now) == ["closing date passed on 2026-12-01", "pay 15 GBP/hour"]
    monthly = bare.model_copy(update={"salary_min": 1200.0, "salary_max": 1400.0, "salary_interval": "month",
                                      "salary_currency": "EUR", "salary_annual_min": 14400.0,
                                      "salary_annual_max": 16800.0})
    assert posting_facts(monthly, now=now) == ["pay 1,200–1,400 EUR/month (about 14,400–16,800 EUR a year)"]
    assert posting_facts(bare.model_copy(update={"salary_text": "competitive"}), now=now) == [
        "pay as stated: competitive"]


def test_score_parts_add_up_with_the_adjustments() -> None:
    parts = split_score({"skills": 40.0, "title": 20.0}, penalties={"level_gap": 15.0}, factor=0.4)
    assert parts == {"skills": 40.0, "title": 20.0, "level_gap": -15.0, "abroad": -27.0}
    assert sum(parts.values()) == (40 + 20 - 15) * 0.4
    profile = ProfileFacts(name="A", email="a@example.org")
    assert relocation(profile) is None
    assert relocation(profile.model_copy(update={"relocate": True})) == frozenset({"*"})
    assert relocation(profile.model_copy(update={"relocate": True, "relocate_to": ["de", " NL"]})) == {"DE", "NL"}
