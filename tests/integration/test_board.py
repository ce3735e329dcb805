"""The board on both store backends: filled by real job-search runs, marked through the real CLI, and
followed by the next search's report and e-mail digest (a real SMTP server on 127.0.0.1)."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from jobagent.api import board as api
from jobagent.api import postings, profiles
from jobagent.api import runs as runs_api
from jobagent.store.models import BoardEntry, BoardEvent, BoardLook, UserProfile, utcnow
from jobagent.store.session import session_scope
from tests.board_data import big_feed, make_profile, seed_board, write_feed
from tests.conftest import run_cli


def _search(query: str, profile_id: str, feed: Path, **opts: int) -> dict:
    st = runs_api.get_status(runs_api.submit_job_search(query, profile_id=profile_id, feed=str(feed), **opts)
                         .run_id).model_dump()
    assert st["status"] == "completed", st["error_message"]
    return st


def _has_url(text: str, url: str) -> bool:
    return re.search(re.escape(url) + r"(?![\w/?])", text) is not None


def _cli(environ: dict[str, str], *args: str) -> tuple[int, str, str]:
    """The real console entry point as a user runs it, in a subprocess."""
    done = run_cli(*args, environ=environ)
    return done.returncode, done.stdout, done.stderr


@pytest.fixture
def cli(cli_main: Callable[..., tuple[int, str, str]]) -> Callable[..., tuple[int, str, str]]:
    """The in-process CLI (tests/conftest.py)."""
    return cli_main


def test_three_overlapping_searches_give_one_row_per_posting(env, store_url: str, tmp_path: Path) -> None:
    env(database_url=store_url)
    feed, _ = big_feed(tmp_path / "feed.json", n=1500)
    profile_id = make_profile()
    runs = [_search(q, profile_id, feed, num_results=300, max_screening=120)["run_id"]
            for q in ("backend engineer", "data engineer", "python developer")]
    best: dict[str, tuple[float, str]] = {}
    total = 0
    for run_id in runs:
        for m in postings.list_matches(run_id):
            total += 1
            if m.posting_id not in best or m.score > best[m.posting_id][0]:
                best[m.posting_id] = (m.score, run_id)
    assert total > len(best) > 120  # the searches overlap, and each found postings the others did not
    rows = api.board(profile_id).rows
    assert len(rows) == len({r.posting_id for r in rows}) == len(best)
    for row in rows:
        assert row.best_score == pytest.approx(best[row.posting_id][0], abs=0.06)
        assert row.state == "new"
    assert [r.best_score for r in rows] == sorted((r.best_score for r in rows), reverse=True)
    with session_scope() as s:  # each entry got exactly one history event: it arrived as new
        assert s.scalar(select(func.count()).select_from(BoardEvent)) == len(best)


def test_skip_keeps_the_posting_and_its_reposts_out_of_new_report_and_digest(env, store_url: str, tmp_path: Path,
                                                                              smtp_server) -> None:
    handler, port = smtp_server
    environ = env(database_url=store_url)
    feed, items = big_feed(tmp_path / "feed.json", n=400)
    profile_id = make_profile()
    first = _search("backend engineer", profile_id, feed, num_results=200, max_screening=40)
    top = [x.model_dump() for x in postings.list_matches(first["run_id"])][0]
    skipped = next(p for p in items if p["url"] == top["url"])
    code, out, err = _cli(environ, "mark", top["posting_id"][:8], "--profile", profile_id, "--skip",
                          "--note", "not for me")
    assert code == 0, err
    assert "new → skipped" in out
    assert _cli(environ, "board", profile_id)[0] == 0  # a look: --new counts from here

    # The next day: the same advert again under new URLs (one with the location reworded, so it is a new
    # posting row), plus three new postings that match at least as well.
    repost = {**skipped, "id": "repost-1", "url": "https://other-board.example.org/ad/77",
              "location": skipped["location"].split(",")[0]}
    same = {**skipped, "id": "repost-2", "url": "https://third.example.net/x?ref=2"}
    fresh = [{**skipped, "id": f"fresh-{i}", "company": f"Freshco {i}", "url": f"https://fresh.example.com/{i}",
              "description": skipped["description"].replace(skipped["company"], f"Freshco {i}")} for i in range(3)]
    feed2 = write_feed(tmp_path / "feed2.json", [repost, same, *fresh, *items])
    env(database_url=store_url, SMTP_HOST="127.0.0.1", SMTP_PORT=str(port), SMTP_STARTTLS="false")
    second = _search("backend engineer", profile_id, feed2, num_results=200, max_screening=40)
    result = second["result"]
    assert result["filtered_out"]["already on the board (saved, applied or skipped)"] >= 2
    urls = {m.url for m in postings.list_matches(second["run_id"])}
    assert {f["url"] for f in fresh} <= urls
    assert not urls & {skipped["url"], repost["url"], same["url"]}
    report = Path(result["html_report_path"]).read_text()
    digest = handler.messages[0].get_content()
    for gone in (skipped["url"], repost["url"], same["url"]):
        assert not _has_url(report, gone) and not _has_url(digest, gone)
    assert _has_url(digest, fresh[0]["url"]) and _has_url(report, fresh[0]["url"])
    # The report carries the board's columns, and bullets as lists rather than raw "- " text.
    assert "<th>Status</th>" in report and "<th>Salary</th>" in report and "<th>Remote</th>" in report
    excerpts = re.findall(r'<div class="excerpt">(.*?)</div>', report, re.S)
    assert len(excerpts) == len(urls) and all("<li>Work with" in e and "- Work" not in e for e in excerpts)
    assert "<td>new</td>" in report
    new_rows = api.board(profile_id, new_only=True).rows
    assert {f["url"] for f in fresh} <= {r.url for r in new_rows}
    assert all(r.state == "new" and r.url not in (skipped["url"], repost["url"]) for r in new_rows)
    assert len(new_rows) == len(urls - {m["url"] for m in [x.model_dump() for x in
                                                           postings.list_matches(first["run_id"])]})


def test_repost_arriving_on_the_board_inherits_skip_and_applied(env, store_url: str) -> None:
    """The board side of the cascade (record_matches), at size: 3,000 entries, two settled adverts."""
    env(database_url=store_url)
    profile_id = make_profile()
    run_id, ids = seed_board(profile_id, 3000, twins=40)
    with session_scope() as s:
        entries = {e.posting_id: e for e in s.scalars(select(BoardEntry).where(BoardEntry.profile_id == profile_id))}
    # Two postings whose company+title occur more than once (same advert in several cities).
    by_key: dict[str, list[str]] = {}
    for pid in ids:
        by_key.setdefault(entries[pid].repost_key, []).append(pid)
    groups = [g for g in by_key.values() if len(g) >= 2][:2]
    skip_one, apply_one = groups[0][0], groups[1][0]
    assert api.mark(profile_id, skip_one, "skipped").also_changed == groups[0][1:]
    applied = api.mark(profile_id, apply_one, "applied", note="sent CV")
    assert applied.also_changed == groups[1][1:]
    # A later run finds yet another copy of each: it lands skipped / applied, with a note saying why.
    from tests.board_data import posting as make_posting
    rng = __import__("random").Random(1)
    from jobagent.postings.board import record_matches
    from jobagent.postings.feeds import posting_from_dict
    from jobagent.postings.storage import save_postings
    from jobagent.store.models import Posting

    with session_scope() as s:
        src = {pid: s.get(Posting, pid) for pid in (skip_one, apply_one)}
        copies = [posting_from_dict({**make_posting(9000 + i, rng), "title": src[pid].title,
                                     "company": src[pid].company, "location": "Remote, EU",
                                     "url": f"https://late.example.com/{i}"}, "feed:late")
                  for i, pid in enumerate((skip_one, apply_one))]
        new_ids, _ = save_postings(s, [c for c in copies if c is not None])
        states = record_matches(s, profile_id, run_id, [(pid, 99.0) for pid in new_ids])
    assert [states[pid] for pid in new_ids] == ["skipped", "applied"]
    assert api.history(profile_id, new_ids[0])[0].note == f"repost of {skip_one[:8]}"
    assert not {r.posting_id for r in api.board(profile_id, new_only=True).rows} & set(new_ids)


def test_applied_history_and_refusals(env, store_url: str, cli) -> None:
    env(database_url=store_url)
    profile_id = make_profile()
    other_profile = make_profile(email="other@example.org")
    _, ids = seed_board(profile_id, 50)
    _, other_ids = seed_board(other_profile, 60, seed=99)
    target = ids[7]
    steps = [("--applied", "sent CV via site"), ("--interviewing", "call on Monday"), ("--offer", "80k")]
    for flag, note in steps:
        code, out, err = cli("mark", target[:10], "--profile", profile_id, flag, "--note", note)
        assert code == 0, err
    hist = api.history(profile_id, target)
    assert [(e.from_state, e.to_state, e.note) for e in hist] == [
        (None, "new", None), ("new", "applied", "sent CV via site"), ("applied", "interviewing", "call on Monday"),
        ("interviewing", "offer", "80k")]

    def snapshot() -> tuple[int, list[tuple[str, str]], dict]:
        with session_scope() as s:
            events = s.scalar(select(func.count()).select_from(BoardEvent))
            states = sorted(s.execute(select(BoardEntry.posting_id, BoardEntry.state)).all())
            filters = s.get(UserProfile, profile_id).filters
        return events, states, dict(filters or {})

    before = snapshot()
    refused = [
        (("mark", target, "--profile", profile_id, "--skip"), "cannot change a posting from offer to skipped"),
        (("mark", ids[1], "--profile", profile_id, "--save", "--note", "  "), "note must not be empty"),
        (("mark", "deadbeef-0000", "--profile", profile_id, "--save"), "not found"),
        (("mark", ids[1], "--profile", "no-such-profile", "--save"), "profile no-such-profile not found"),
        (("mark", other_ids[55], "--profile", profile_id, "--save"), "was found by no run of profile"),
        (("mark", ids[1], "--profile", profile_id, "--save", "--skip"), "give exactly one of"),
        (("mark", ids[1], "--profile", profile_id, "--save", "--company"), "--company goes with --skip"),
        (("board", profile_id, "--status", "maybe"), "'maybe' is not one of"),  # a choice: usage, exit 2
        (("board", profile_id, "--since", "last tuesday"), "since must be an age like 7d"),
        (("board", "no-such-profile"), "profile no-such-profile not found"),
    ]
    for args, message in refused:
        code, out, err = cli(*args)
        assert code == (2 if "maybe" in args else 3), (args, out, err)
        errors = [line for line in err.splitlines() if not line.startswith("jobagent: embedded mode")]
        assert len(errors) == 1 and message in errors[0], (args, err)
    assert snapshot() == before  # nothing changed


def test_skip_company_adds_it_to_the_blocklist(env, store_url: str, tmp_path: Path, cli) -> None:
    env(database_url=store_url)
    feed, items = big_feed(tmp_path / "feed.json", n=300)
    profile_id = make_profile()
    first = _search("backend engineer", profile_id, feed, num_results=200, max_screening=150)
    top = [x.model_dump() for x in postings.list_matches(first["run_id"])][0]
    code, out, err = cli("mark", top["posting_id"][:8], "--profile", profile_id, "--skip", "--company")
    assert code == 0, err
    assert f"blocked company for this profile: {top['company']}" in out
    assert profiles.get_profile(profile_id).model_dump()["filters"]["company_blocklist"] == [top["company"]]
    same_company = [m.posting_id for m in postings.list_matches(first["run_id"])
                    if m.company == top["company"] and m.posting_id != top["posting_id"]]
    assert same_company  # the company had more postings on the board: they are skipped too
    skipped = {r.posting_id for r in api.board(profile_id, statuses=["skipped"], record_look=False).rows}
    assert skipped == {top["posting_id"], *same_company}
    assert f"({len(same_company)} more of its postings skipped)" in out
    # A posting of that company the board has never seen: the blocklist filter, not the board, stops it.
    source = next(p for p in items if p["url"] == top["url"])
    newcomer = {**source, "id": "newcomer", "title": "Principal Backend Engineer", "url": "https://new.example/1"}
    feed = write_feed(tmp_path / "feed2.json", [newcomer, *items])
    second = _search("backend engineer", profile_id, feed, num_results=200, max_screening=150)
    assert second["result"]["filtered_out"].get("blocked company", 0) >= 1
    assert all(m["company"] != top["company"] for m in [x.model_dump() for x in
                                                        postings.list_matches(second["run_id"])])


def test_board_filters_at_size_and_new_since_last_look(env, store_url: str) -> None:
    env(database_url=store_url)
    profile_id = make_profile()
    _, ids = seed_board(profile_id, 4000)
    old = utcnow() - timedelta(days=10)
    with session_scope() as s:  # the first 1,000 were found ten days ago
        s.execute(update(BoardEntry).where(BoardEntry.posting_id.in_(ids[:1000])).values(first_found_at=old))
    for pid in ids[1000:1010]:
        api.mark(profile_id, pid, "saved")
    assert len(api.board(profile_id, record_look=False).rows) == 4000
    assert len(api.board(profile_id, since="7d", record_look=False).rows) == 3000
    saved = api.board(profile_id, statuses=["saved"], record_look=False).rows
    assert sorted(r.posting_id for r in saved) == sorted(ids[1000:1010])
    assert len(api.board(profile_id, statuses=["saved", "new"], record_look=False).rows) == 4000
    first_look = api.board(profile_id, new_only=True)
    assert first_look.previous_look_at is None and len(first_look.rows) == 3990  # never looked: all new ones
    # Found after that look: 5 postings, one of which is skipped right away. Only 4 are new since the look.
    _, later = seed_board(profile_id, 4005, query="later")
    later = later[4000:]
    api.mark(profile_id, later[0], "skipped")
    second = api.board(profile_id, new_only=True)
    assert second.previous_look_at == first_look.looked_at
    assert sorted(r.posting_id for r in second.rows) == sorted(later[1:])
    assert api.board(profile_id, new_only=True).rows == []  # that listing was a look too
    with session_scope() as s:
        assert s.scalar(select(func.count()).select_from(BoardLook)) == 1


def test_csv_rows_are_the_json_rows_and_the_table_fits_80_columns(env, store_url: str, cli) -> None:
    from jobagent.cli.board import csv_cell

    env(database_url=store_url)
    profile_id = make_profile()
    _, ids = seed_board(profile_id, 300)
    with session_scope() as s:  # awkward cells: a very long title, a comma and quotes, an accented company
        from jobagent.store.models import Posting

        s.execute(update(Posting).where(Posting.id == ids[0]).values(
            title="Principal Distributed Systems Engineer, Payments Infrastructure (Remote, \"EU\")",
            company="Société Générale de Logiciels Électroniques"))
        s.execute(update(Posting).where(Posting.id == ids[1]).values(title="東京のソフトウェアエンジニア募集",
                                                                     company="株式会社テスト"))
    api.mark(profile_id, ids[3], "saved", note='line one, "quoted"\nline two')
    code, out_json, err = cli("board", profile_id, "--json")
    assert code == 0, err
    records = json.loads(out_json)
    code, out_csv, err = cli("board", profile_id, "--csv")
    assert code == 0, err
    parsed = list(csv.DictReader(io.StringIO(out_csv)))
    assert len(parsed) == len(records) == 300
    assert parsed == [{k: csv_cell(v) for k, v in rec.items()} for rec in records]
    assert list(parsed[0]) == list(records[0]) and "url" in records[0]
    code, table, err = cli("board", profile_id)
    assert code == 0, err
    lines = table.splitlines()
    from rich.cells import cell_len

    assert len(lines) == 302 and max(cell_len(line) for line in lines) <= 80  # wide characters count twice
    assert "https://" not in table  # URLs only in --json / --csv
    assert any(ids[0][:8] in line and "Principal Dis" in line for line in lines)
    assert lines[0].index("company") - lines[0].index("title") > 20  # the title gets the most room (issue 29)


def test_matches_open_uses_the_browser_or_prints_the_path(env, tmp_path: Path) -> None:
    from jobagent.store.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    upgrade(url)
    environ = env(database_url=url)
    feed, _ = big_feed(tmp_path / "feed.json", n=100)
    st = _search("backend engineer", make_profile(), feed, num_results=50, max_screening=5)
    html = st["result"]["html_report_path"]
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "browser.sh"
    browser.write_text(f'#!/bin/sh\necho "$1" > {opened}\n')
    browser.chmod(0o755)
    code, out, err = _cli({**environ, "BROWSER": str(browser)}, "matches", st["run_id"], "--open")
    assert code == 0, err
    assert out.strip() == f"opened {html}" and opened.read_text().strip() == Path(html).as_uri()
    code, out, err = _cli({**environ, "BROWSER": str(tmp_path / "no-such-browser")}, "matches", st["run_id"],
                          "--open")
    assert code == 0 and out.strip() == html, err
