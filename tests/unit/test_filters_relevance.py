"""Hard posting filters and BM25 relevance: pure functions, no servers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from jobagent.postings.filters import REASONS, PostingFilters, apply_filters, normalize_company
from jobagent.postings.relevance import bm25_scores, normalized_relevance, tokenize
from jobagent.postings.schema import PostingData

NOW = datetime(2024, 6, 30, 12, 0, tzinfo=UTC)


def _posting(ident: str, **fields: object) -> PostingData:
    base: dict[str, object] = {"source": "test", "external_id": ident, "title": "Backend Engineer",
                               "company": "Good Co", "remote": True}
    base.update(fields)
    return PostingData.model_validate(base)


def _ids(postings: list[PostingData]) -> list[str]:
    return [p.external_id for p in postings]


# --- filters -------------------------------------------------------------------------------------------------

def test_no_filters_keeps_everything_and_reports_every_reason_as_zero() -> None:
    postings = [_posting("a"), _posting("b", remote=False)]
    kept, counts = apply_filters(postings, PostingFilters(), now=NOW)
    assert _ids(kept) == ["a", "b"]
    assert counts == dict.fromkeys(REASONS, 0)


def test_blocked_company_matches_case_insensitively_across_legal_suffixes() -> None:
    postings = [_posting("gmbh", company="ACME GmbH"), _posting("inc", company="Acme, Inc."),
                _posting("ltd", company="acme ltd"), _posting("ag", company="Acme AG"),
                _posting("other", company="Acmex GmbH")]
    kept, counts = apply_filters(postings, PostingFilters(company_blocklist=["Acme"]), now=NOW)
    assert _ids(kept) == ["other"]
    assert counts["blocked company"] == 4
    assert sum(counts.values()) == 4


def test_blocklist_entry_with_suffix_blocks_bare_name() -> None:
    kept, counts = apply_filters([_posting("a", company="Acme")], PostingFilters(company_blocklist=["Acme GmbH"]),
                                 now=NOW)
    assert kept == []
    assert counts["blocked company"] == 1


def test_normalize_company_keeps_a_name_that_is_only_a_suffix() -> None:
    assert normalize_company("Siemens AG") == "siemens"
    assert normalize_company("AG") == "ag"


def test_title_exclusion_is_whole_word_and_case_insensitive() -> None:
    postings = [_posting("intern", title="Software INTERN (m/f/d)"),
                _posting("internal", title="Internal Tools Engineer"),
                _posting("intl", title="International Sales")]
    kept, counts = apply_filters(postings, PostingFilters(title_exclusions=["intern"]), now=NOW)
    assert _ids(kept) == ["internal", "intl"]
    assert counts["excluded title"] == 1


def test_title_exclusion_phrase_needs_the_whole_phrase() -> None:
    postings = [_posting("phrase", title="Sales  Manager DACH"), _posting("sales", title="Sales Engineer"),
                _posting("manager", title="Engineering Manager"), _posting("cpp", title="C++ Developer")]
    kept, counts = apply_filters(postings, PostingFilters(title_exclusions=["sales manager", "c++"]), now=NOW)
    assert _ids(kept) == ["sales", "manager"]
    assert counts["excluded title"] == 2


def test_remote_only_drops_onsite_postings() -> None:
    postings = [_posting("remote", remote=True), _posting("onsite", remote=False, location="Berlin")]
    kept, counts = apply_filters(postings, PostingFilters(remote_only=True), now=NOW)
    assert _ids(kept) == ["remote"]
    assert counts["not remote"] == 1


def test_max_age_drops_old_postings_and_keeps_undated_ones() -> None:
    postings = [_posting("fresh", posted_at=NOW - timedelta(days=3)),
                _posting("old", posted_at=NOW - timedelta(days=30)),
                _posting("undated", posted_at=None),
                _posting("naive-old", posted_at=datetime(2024, 1, 1))]
    kept, counts = apply_filters(postings, PostingFilters(max_age_days=14), now=NOW)
    assert _ids(kept) == ["fresh", "undated"]
    assert counts["too old"] == 2


def test_min_salary_uses_top_of_range_and_keeps_postings_without_salary() -> None:
    postings = [_posting("low", salary_min=40000, salary_max=50000),
                _posting("range-reaches", salary_min=50000, salary_max=70000),
                _posting("min-only-low", salary_min=30000),
                _posting("no-salary")]
    kept, counts = apply_filters(postings, PostingFilters(min_salary=60000), now=NOW)
    assert _ids(kept) == ["range-reaches", "no-salary"]
    assert counts["salary below minimum"] == 2


def test_posting_failing_several_rules_is_counted_once_under_the_first() -> None:
    posting = _posting("bad", company="Acme GmbH", title="Intern", remote=False, salary_max=1.0)
    filters = PostingFilters(company_blocklist=["acme"], title_exclusions=["intern"], remote_only=True,
                             min_salary=10.0)
    kept, counts = apply_filters([posting, _posting("ok", salary_max=20.0)], filters, now=NOW)
    assert _ids(kept) == ["ok"]
    assert counts == {**dict.fromkeys(REASONS, 0), "blocked company": 1}


def test_negative_limits_are_rejected() -> None:
    with pytest.raises(ValidationError):
        PostingFilters(max_age_days=-1)
    with pytest.raises(ValidationError):
        PostingFilters(min_salary=-5)


def test_merged_unions_lists_ors_flags_and_takes_the_stricter_number() -> None:
    profile = PostingFilters(company_blocklist=["Acme", "Initech"], title_exclusions=["intern"], remote_only=True,
                             max_age_days=30, min_salary=50000)
    search = PostingFilters(company_blocklist=["acme", "Globex"], title_exclusions=["sales"], remote_only=False,
                            max_age_days=7, min_salary=40000)
    merged = profile.merged(search)
    assert merged.company_blocklist == ["Acme", "Initech", "Globex"]
    assert merged.title_exclusions == ["intern", "sales"]
    assert merged.remote_only is True
    assert merged.max_age_days == 7
    assert merged.min_salary == 50000
    # Symmetric in everything but list order.
    reverse = search.merged(profile)
    assert (reverse.remote_only, reverse.max_age_days, reverse.min_salary) == (True, 7, 50000)
    assert set(reverse.company_blocklist) == {"acme", "Globex", "Initech"}


def test_merged_keeps_a_limit_set_on_only_one_side() -> None:
    merged = PostingFilters(max_age_days=None, min_salary=45000).merged(PostingFilters(max_age_days=10))
    assert merged.max_age_days == 10
    assert merged.min_salary == 45000
    assert merged.remote_only is False
    assert PostingFilters().merged(PostingFilters()) == PostingFilters()


# --- relevance -----------------------------------------------------------------------------------------------

DOCS = [
    "Python engineer: Python services, Python tooling and Django APIs in Python.",
    "Java engineer building Spring services on the JVM.",
    "Office manager for a friendly team in Berlin.",
]


def test_tokenizer_keeps_language_names_and_drops_stopwords() -> None:
    assert tokenize("We use C++, C# and Node.js with .NET for the API.") == ["use", "c++", "c#", "node.js",
                                                                            ".net", "api"]


def test_bm25_ranks_frequent_mentions_above_none() -> None:
    scores = bm25_scores(["python", "django"], DOCS)
    assert scores[0] > 0
    assert scores[1] == 0.0
    assert scores[2] == 0.0


def test_bm25_more_mentions_score_higher_at_equal_length() -> None:
    docs = ["python python python rust go", "python java ruby rust go", "kotlin scala swift perl lua"]
    scores = bm25_scores(["python"], docs)
    assert scores[0] > scores[1] > scores[2] == 0.0


def test_bm25_finds_cpp_and_not_plain_c() -> None:
    scores = bm25_scores(["C++"], ["Modern C++ developer", "C developer for embedded", "Go developer"])
    assert scores[0] > 0
    assert scores[1] == 0.0


def test_normalized_relevance_is_between_zero_and_one_with_max_at_one() -> None:
    values = normalized_relevance(["python", "services"], DOCS)
    assert all(0.0 <= v <= 1.0 for v in values)
    assert max(values) == pytest.approx(1.0)
    assert values[0] == pytest.approx(1.0)
    assert values[2] == 0.0


def test_normalized_relevance_all_zero_when_nothing_matches() -> None:
    assert normalized_relevance(["haskell"], DOCS) == [0.0, 0.0, 0.0]
    assert normalized_relevance(["python"], []) == []


def test_stopwords_in_query_are_ignored() -> None:
    assert bm25_scores(["the", "and", "for"], DOCS) == [0.0, 0.0, 0.0]
    assert bm25_scores(["the python", "for"], DOCS) == pytest.approx(bm25_scores(["python"], DOCS))


def test_long_padded_documents_score_lower_and_stopwords_are_no_query_terms() -> None:
    """Length normalisation (b): the same single mention in a much longer advert counts for less."""
    padded = ["python engineer " + "the and of " * 50, "python engineer", "java developer"]
    scores = bm25_scores(["python"], padded)
    assert scores[0] < scores[1] and scores[2] == 0.0
    assert bm25_scores(["the python"], padded) == pytest.approx(scores)


def test_repeated_query_terms_do_not_double_the_score() -> None:
    assert bm25_scores(["python", "Python"], DOCS) == pytest.approx(bm25_scores(["python"], DOCS))
