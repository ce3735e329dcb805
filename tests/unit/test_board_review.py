"""``jobagent review`` driven by single key presses through a real pseudo-terminal (pexpect)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pexpect
from sqlalchemy import select

from jobagent.store.models import BoardEntry
from jobagent.store.session import session_scope
from tests.board_data import make_profile, seed_board
from tests.conftest import ROOT


def _states(profile_id: str, ids: list[str]) -> list[str]:
    with session_scope() as s:
        found = dict(s.execute(select(BoardEntry.posting_id, BoardEntry.state)
                               .where(BoardEntry.profile_id == profile_id)).all())
    return [found[pid] for pid in ids]


def _spawn(profile_id: str, environ: dict[str, str]) -> pexpect.spawn:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JOBAGENT_") and k != "DATABASE_URL"}
    env.update(environ, PYTHONPATH=f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}", TERM="dumb")
    return pexpect.spawn(sys.executable, ["-m", "jobagent.cli", "review", profile_id], env=env, cwd=str(ROOT),
                         encoding="utf-8", timeout=60, dimensions=(40, 100))


def test_review_by_keys_in_a_pty(env, tmp_path: Path) -> None:
    from jobagent.api import board as api
    from jobagent.store.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    upgrade(url)
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "browser.sh"
    browser.write_text(f'#!/bin/sh\necho "$1" >> {opened}\n')
    browser.chmod(0o755)
    environ = env(database_url=url, BROWSER=str(browser))
    profile_id = make_profile()
    seed_board(profile_id, 6)
    rows = api.board(profile_id, record_look=False).rows  # the order review walks them in
    ids = [r.posting_id for r in rows]

    child = _spawn(profile_id, environ)
    child.expect_exact("[1/6]")
    child.expect_exact(rows[0].title)
    child.expect("seeded reason \\d+")  # why its best run kept it
    child.expect_exact("is hiring")  # the description excerpt
    child.expect_exact("[q]uit ? ")
    child.send("s")
    child.expect_exact("→ saved")
    child.expect_exact("[2/6]")
    child.expect_exact("[q]uit ? ")
    child.send("o")
    child.expect_exact(f"opened: {rows[1].url}")
    child.send("x")
    child.expect_exact("→ skipped")
    child.expect_exact("[3/6]")
    child.expect_exact("[q]uit ? ")
    child.send("?")
    child.expect_exact("keys: s save")
    child.send("n")
    child.expect_exact("[4/6]")
    child.expect_exact("[q]uit ? ")
    child.sendintr()  # Ctrl-C
    child.expect_exact("interrupted: every posting marked so far is saved")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130 and "Traceback" not in (child.before or "")
    assert _states(profile_id, ids) == ["saved", "skipped", "new", "new", "new", "new"]
    assert opened.read_text().split() == [rows[1].url]

    child = _spawn(profile_id, environ)  # the next session starts at what is still new
    child.expect_exact("[1/4]")
    child.expect_exact(rows[2].title)
    child.expect_exact("[q]uit ? ")
    child.send("a")
    child.expect_exact("→ applied")
    child.expect_exact("[2/4]")
    child.expect_exact("[q]uit ? ")
    child.send("q")
    child.expect_exact("reviewed: 0 saved, 1 applied, 0 skipped")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert _states(profile_id, ids) == ["saved", "skipped", "applied", "new", "new", "new"]
