"""Issue 11, item 3: the Markdown report keeps no HTML and no non-http(s) link from a posting.

Hundreds of postings, a few of them hostile (tags, ``javascript:`` and look-alike schemes, a URL that tries
to close its link, pipes, brackets and line breaks in titles), are rendered into the report, and the report is
rendered to HTML the way a viewer would: CommonMark with raw HTML allowed (markdown-it-py) and
Python-Markdown with tables. Only the report's own markup may come out.
"""

from __future__ import annotations

import random
from html.parser import HTMLParser
from pathlib import Path

import markdown
from markdown_it import MarkdownIt

from jobagent.postings.reports import escape_markdown, markdown_url, write_report
from jobagent.postings.research import company_notes
from jobagent.postings.schema import MatchResult, PostingData

ALLOWED_TAGS = {"h1", "h2", "h3", "p", "ul", "li", "strong", "em", "a", "table", "thead", "tbody", "tr", "th", "td",
                "blockquote"}
# (title, company, url, location, employment type): each a way a posting from the internet could attack.
HOSTILE = [
    ("<img src=x onerror=alert(1)>Engineer", "<script>alert(1)</script> GmbH", "https://ok.example/1", "Berlin",
     None),
    ("Click [here](javascript:alert(1))", "Phish AG", "javascript:alert(document.cookie)", "Remote", None),
    ("Lead | Engineer ] [x](http://evil.example/)", "Pipe | Co", "JaVaScRiPt:alert(3)", None, "full | time"),
    ("Escaper", "Breakout Ltd", "https://ok.example/a>)<img/src=x/onerror=alert(2)>", "Paris", None),
    ("Engineer\n# Injected heading\n<iframe src=//evil.example>", "Newline Inc",
     "data:text/html,<script>alert(4)</script>", "Rome", None),
    ("**Bold** _claims_ `code`", "Evil & Sons &lt;b&gt;", "//evil.example/no-scheme",
     "![tracker](http://evil.example/pixel.png)", "<b>contract</b>"),
    ("Spaced URL", "Gap GmbH", "https://ok.example/a b\" onclick=\"alert(5)", "Oslo", None),
    ("Tail \\", "Backslash SA", "vbscript:msgbox(6)", "Lisbon", "<a href=javascript:alert(7)>x</a>"),
]
PROFESSIONS = ["Backend Engineer", "Registered Nurse", "Accountant", "Data Scientist", "Electrician", "Teacher",
               "Sales Manager", "UX Designer", "Pharmacist", "Civil Engineer"]


class _Collect(HTMLParser):
    """Every element and attribute of the rendered report, plus the cells of its summary table."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.rows: list[list[str]] = []
        self.headings: list[str] = []
        self._cell: list[str] | None = None
        self._heading: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "tr":
            self.rows.append([])
        elif tag == "td":
            self._cell = []
        elif tag == "h2":
            self._heading = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "h2" and self._heading is not None:
            self.headings.append("".join(self._heading).strip())
            self._heading = None

    def handle_data(self, data: str) -> None:
        for part in (self._cell, self._heading):
            if part is not None:
                part.append(data)


def _matches(count: int) -> list[tuple[MatchResult, str, str]]:
    rng = random.Random(11)
    postings = []
    for i in range(count):
        if i % 37 == 5:
            title, company, url, location, kind = HOSTILE[(i // 37) % len(HOSTILE)]
        else:
            title, company = f"{rng.choice(PROFESSIONS)} {i}", f"Company {i % 53}"
            url, location, kind = f"https://jobs.example/{i}?ref=feed&x=1", rng.choice(["Berlin", None]), None
        postings.append(PostingData(source="feed:test", external_id=str(i), title=title, company=company, url=url,
                                    location=location, employment_type=kind, salary_min=50000 + i,
                                    salary_currency="EUR" if i % 2 else "<b>EUR</b>"))
    rows = []
    for rank, p in enumerate(postings):
        reasons = [f"title matches {p.title}", "skills: <b>Python</b>, [x](javascript:alert(8))"]
        match = MatchResult(posting=p, score=100 - rank * 100 / count, reasons=reasons)
        notes = company_notes(p.company, postings[:50]) + "\n- [docs](javascript:alert(9))\n<iframe src=x></iframe>"
        letter = (f"Dear {p.company} team,\n\nI apply for {p.title}.\n    <script>alert(10)</script>\n"
                  "1. ![pixel](http://evil.example/p.png)\n> quoted <b>")
        rows.append((match, notes, letter))
    return rows


def _check_rendered(html: str, rows: list[tuple[MatchResult, str, str]]) -> None:
    doc = _Collect()
    doc.feed(html)
    assert {tag for tag, _ in doc.tags} <= ALLOWED_TAGS, {tag for tag, _ in doc.tags} - ALLOWED_TAGS
    assert not [(tag, a) for tag, attrs in doc.tags for a in attrs if a.lower().startswith("on")]
    hrefs = [str(attrs.get("href")) for tag, attrs in doc.tags if tag == "a"]
    web = [m.posting.url for m, _, _ in rows if markdown_url(m.posting.url)]
    assert len(hrefs) == 2 * len(web) and all(h.startswith(("http://", "https://")) for h in hrefs), hrefs
    assert "https://ok.example/a%3E%29%3Cimg/src=x/onerror=alert%282%29%3E" in hrefs  # encoded, not broken out
    body = [r for r in doc.rows if r]  # the header row has th cells, not td
    assert len(body) == len(rows) and all(len(r) == 6 for r in body), [r for r in body if len(r) != 6][:3]
    assert doc.headings[0] == "Summary" and len(doc.headings) == len(rows) + 1  # none injected by a title
    for rank, ((m, _, _), cells, heading) in enumerate(zip(rows, body, doc.headings[1:], strict=True), start=1):
        p = m.posting
        title, company = " ".join(p.title.split()), " ".join(p.company.split())
        assert cells[2] == title and cells[3] == company, (cells, p.title)  # shown as text, character for character
        assert heading == f"{rank}. {title} — {company} (score {m.score:.0f})", heading
        assert (cells[5] == "open") == bool(markdown_url(p.url)) and (cells[5] in ("open", "—")), cells


def test_hostile_postings_render_as_text_with_web_links_only(tmp_path: Path) -> None:
    rows = _matches(600)
    out = write_report(tmp_path / "report.md", query="engineer <script>", location="Berlin | *remote*",
                       profile_name="Eve [admin](javascript:alert(0))", matches=rows)
    text = out.read_text(encoding="utf-8")

    # In the Markdown itself, every "<" is the report's own link bracket around an http(s) URL.
    assert text.count("<") == text.count("<http") and "<http" in text
    assert "](<javascript" not in text.lower() and "<javascript" not in text.lower()
    assert "- **Link:** left out (not an http(s) link)" in text
    assert "| Lead \\| Engineer \\] \\[x\\](http://evil.example/) | Pipe \\| Co |" in text
    assert "\n# Injected" not in text and "## 6. " in text  # the title's line breaks are gone

    commonmark = MarkdownIt("commonmark", {"html": True}).enable("table")
    _check_rendered(commonmark.render(text), rows)
    _check_rendered(markdown.markdown(text, extensions=["tables"]), rows)


def test_escape_markdown_keeps_plain_text_readable() -> None:
    assert escape_markdown("Senior Backend Engineer — St. Marien (Berlin), 60-80k") == \
        "Senior Backend Engineer — St. Marien (Berlin), 60-80k"
    # A bare "&" is text to every renderer, so it stays (issue 25 §6: "S&OP", not "S&amp;OP"); only an "&"
    # that would start an entity is escaped.
    assert escape_markdown("C# & C++ <dev>\n  *lead*") == "C\\# & C++ &lt;dev&gt; \\*lead\\*"
    assert escape_markdown("S&OP at AT&T, &lt;b&gt; &#60;") == "S&OP at AT&T, &amp;lt;b&amp;gt; &amp;\\#60;"
    assert markdown_url("https://jobs.example/p?id=1&ref=x#top") == "https://jobs.example/p?id=1&ref=x#top"
    assert markdown_url("https://jobs.example/über (new)") is None  # whitespace: not a URL we link
    assert markdown_url("https://jobs.example/über_(new)") == "https://jobs.example/%C3%BCber_%28new%29"
    assert [markdown_url(u) for u in ("javascript:alert(1)", "ftp://x.example/f", "mailto:a@b.example",
                                      "https:///nohost", "", None)] == [None] * 6


def test_a_letter_reads_as_written_in_the_markdown_report(tmp_path: Path) -> None:
    """Issue 25 §6: "S&OP" stays "S&OP" and "B.V." stays "B.V." in the report's Markdown and in its rendering."""
    from jobagent.postings.letters import write_grounded_letter
    from jobagent.postings.schema import ProfileFacts

    profile = ProfileFacts(name="Sanne Bakker", email="sanne@example.org", location="Utrecht", skills=["SAP"],
                           years_experience=6, titles_held=["Planner"],
                           experience=[{"title": "Planner", "employer": "Van Dijk Transport B.V.", "current": True,
                                        "start": "2020-01", "bullets": ["Ran S&OP planning for 40 routes in SAP."]}])
    posting = PostingData(source="t", external_id="1", title="Planner", company="Bakker Logistiek B.V.",
                          location="Rotterdam", description="S&OP in SAP.", language="nl")
    match = MatchResult(posting=posting, score=80, matched_skills=["SAP"])
    letter, warnings = write_grounded_letter(profile, match, "")
    assert warnings == [] and "S&OP" in letter and "Van Dijk Transport B.V." in letter
    text = write_report(tmp_path / "r.md", query="planner", location="Utrecht", profile_name="Sanne",
                        matches=[(match, "", letter)]).read_text(encoding="utf-8")
    assert "S&OP" in text and "&amp;" not in text and "B.V.," not in text
    assert "> Met vriendelijke groet," in text and "Bakker Logistiek B.V." in text
    for html in (MarkdownIt("commonmark").render(text), markdown.markdown(text)):
        assert "S&amp;OP planning" in html and "S&amp;amp;OP" not in html  # shown as "S&OP" in a browser
