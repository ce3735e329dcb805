"""The board's store side: migration 0007 puts earlier matches on the boards, and concurrent runs of one
profile (the --from-profile fan-out on several workers) fill one board without errors or twins."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import func, select, text

from jobagent.store.models import BoardEntry, BoardEvent
from jobagent.store.session import session_scope
from tests.board_data import make_profile, seed_board


def test_migration_copies_earlier_matches_onto_the_boards(env, tmp_path: Path) -> None:
    from jobagent.store.migrate import upgrade
    from jobagent.store.session import get_engine

    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    upgrade(url, "0003")
    env(database_url=url)
    engine = get_engine(url)
    with engine.begin() as conn:  # a store from before the board: two runs of one profile, one without
        conn.execute(text("INSERT INTO user_profiles (id, name, email, premium, skills, titles_held, "
                          "suggested_titles, cv_sources, filters, created_at, updated_at) VALUES ('prof', 'A', "
                          "'a@example.org', 0, '[]', '[]', '[]', '[]', '{}', '2026-11-01', '2026-11-01')"))
        for run, profile in (("r1", "'prof'"), ("r2", "'prof'"), ("r3", "NULL")):
            conn.execute(text(f"INSERT INTO runs (id, workflow_type, profile_id, params, created_at) VALUES "
                              f"('{run}', 'job_search', {profile}, '{{}}', '2026-11-0{run[1]}')"))
        for i in range(30):
            conn.execute(text("INSERT INTO postings (id, fingerprint, source, external_id, title, company, remote, "
                              "description, first_seen_at) VALUES (:id, :fp, 's', :id, :title, 'Acme', 0, '', "
                              "'2026-11-01')"), {"id": f"post-{i}", "fp": f"fp{i}", "title": f"Engineer {i}"})
        matches = [("r1", i, 50 + i) for i in range(20)] + [("r2", i, 90 - i) for i in range(10, 30)] + \
                  [("r3", i, 99) for i in range(30)]
        for n, (run, i, score) in enumerate(matches):
            conn.execute(text("INSERT INTO matches (id, run_id, posting_id, rank, score, reasons, created_at) "
                              "VALUES (:id, :run, :pid, 1, :score, '[]', :at)"),
                         {"id": f"m{n}", "run": run, "pid": f"post-{i}", "score": score,
                          "at": f"2026-11-0{run[1]} 10:00:00.000000"})
    upgrade(url)
    from jobagent.api import board as api

    rows = {r.posting_id: r for r in api.board("prof", record_look=False).rows}
    assert len(rows) == 30  # r3 belongs to no profile: it adds nothing
    assert rows["post-15"].best_score == 75 and rows["post-15"].best_run_id == "r2"  # 65 in r1, 75 in r2
    assert rows["post-5"].best_score == 55 and rows["post-5"].best_run_id == "r1"
    assert all(r.state == "new" for r in rows.values())
    assert api.mark("prof", "post-15", "applied").previous_state == "new"


def test_concurrent_runs_of_one_profile_fill_one_board(env, clean_pg: str) -> None:
    from jobagent.postings.board import record_matches
    from jobagent.store.models import Run

    env(database_url=clean_pg)
    profile_id = make_profile()
    _, ids = seed_board(profile_id, 1, query="warm")  # the store exists; the postings come next
    _, ids = seed_board(make_profile(email="x@example.org"), 2000)  # postings stored, on another board
    runs = []
    with session_scope() as s:
        for n in range(6):
            run = Run(workflow_type="job_search", profile_id=profile_id, query=f"q{n}")
            s.add(run)
            s.flush()
            runs.append(run.id)
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(runs))

    def complete(n: int, run_id: str) -> None:
        found = [(pid, float((i * 7 + n * 13) % 100)) for i, pid in enumerate(ids) if (i + n) % 3]
        try:
            barrier.wait()
            with session_scope() as s:
                record_matches(s, profile_id, run_id, found)
        except BaseException as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=complete, args=(n, r)) for n, r in enumerate(runs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    expected = {pid: max(float((i * 7 + n * 13) % 100) for n in range(len(runs)) if (i + n) % 3)
                for i, pid in enumerate(ids)}
    with session_scope() as s:
        got = dict(s.execute(select(BoardEntry.posting_id, BoardEntry.best_score)
                             .where(BoardEntry.profile_id == profile_id, BoardEntry.posting_id.in_(ids))).all())
        events = s.scalar(select(func.count()).select_from(BoardEvent).where(BoardEvent.profile_id == profile_id))
    assert got == expected  # every posting once, with the best score any of the six runs gave it
    assert events == len(ids)  # one "new" event per entry (the warm-up posting is among them)
