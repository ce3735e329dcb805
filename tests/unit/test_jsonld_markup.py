"""Reading JobPosting JSON-LD and a page's URLs (``postings/sources/pages.py``) and naming boards from URLs
(``discovery.board_of``): the shapes sites really write, and the vendor's own pages that name no board."""

from __future__ import annotations

from jobagent.postings.sources.discovery import board_of
from jobagent.postings.sources.pages import job_postings, read_page

HTML = b"""<html><head><base href="https://acme.example/jobs/">
<script type="application/ld+json">{"@type": "ItemList", "itemListElement": [
  {"@type": "ListItem", "item": {"@type": ["JobPosting"], "title": "Nested"}}]}</script>
<script type="application/ld+json; charset=utf-8">{"@type": "schema:JobPosting", "title": "Prefixed",
"description": "raw
newline"}</script>
<script type="application/ld+json">{not json at all</script>
<script type="application/ld+json">[{"@type": "Organization"}, {"@type": "JobPosting", "title": "In a list"}]</script>
<script>var x = 1;</script></head>
<body><a href="engineer">Engineer</a><a href="#top">top</a><a href="mailto:a@b.c">mail</a>
<iframe src="//boards.greenhouse.io/embed/job_board?for=acme"></iframe></body></html>"""


def test_job_postings_in_every_shape_and_a_broken_block_skipped() -> None:
    parts = read_page(HTML, "https://acme.example/careers")
    assert [p["title"] for p in job_postings(parts.jsonld)] == ["Nested", "Prefixed", "In a list"]
    assert parts.links == ["https://acme.example/jobs/engineer"]  # relative to <base>; #, mailto: dropped
    assert "https://boards.greenhouse.io/embed/job_board?for=acme" in parts.urls
    assert parts.scripts == ["var x = 1;"]


def test_too_deep_markup_is_not_a_recursion_error() -> None:
    deep = "[" * 5000 + "]" * 5000
    assert list(job_postings([deep, '{"@type": "JobPosting", "title": "ok"}'])) == [{"@type": "JobPosting",
                                                                                      "title": "ok"}]


def test_vendor_pages_name_no_board() -> None:
    for url in ("https://boards.greenhouse.io/embed/job_board/js", "https://jobs.lever.co/", "https://www.bamboohr.com/",
                "https://app.recruitee.com/login", "https://apply.workable.com/api/v1/widget", "https://www.workable.com/",
                "https://acme.wd5.myworkdayjobs.com/en-US/", "not a url", "https://[::1"):
        assert board_of(url) is None, url
    found = board_of("https://jobs.eu.lever.co/acme/123/apply")
    assert found is not None and found.spec == "lever:acme"
    found = board_of("https://acme.wd1.myworkdayjobs.com/wday/cxs/acme/Ext/jobs")
    assert found is not None and found.spec == "workday:https://acme.wd1.myworkdayjobs.com/Ext"
