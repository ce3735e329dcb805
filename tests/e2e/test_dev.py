"""``jobagent dev`` as a developer runs it: real servers, real children, a real file change, a real Ctrl-C."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import ROOT, run_cli, wait_until
from tests.servers import free_port, port_is_open, require_tool

STARTED = re.compile(r"^dev\s*\| started (\w+) \(pid (\d+)\)", re.M)


def _env(live: dict[str, str]) -> dict[str, str]:
    """The environment a developer's shell would have: the test servers' URLs and nothing else of ours."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("JOBAGENT_") and k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(live)
    env["PYTHONPATH"] = f"{ROOT}{os.pathsep}{env.get('PYTHONPATH', '')}"
    return env


def _final(run_id: str) -> dict:
    from jobagent.api import runs

    return wait_until(lambda: (s := runs.get_status(run_id).model_dump())["status"] in ("completed", "failed") and s,
                      timeout=90)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


def test_dev_runs_the_stack_reloads_on_change_and_stops_cleanly(live: dict[str, str], tmp_path: Path) -> None:
    from jobagent.api import runs

    watched = tmp_path / "watched"
    watched.mkdir()
    (watched / "module.py").write_text("VALUE = 1\n")
    log_path = tmp_path / "dev.log"
    port = free_port()
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "jobagent.cli", "dev", "--watch", str(watched),
                                 "--port", str(port), "--no-color"],
                                env=_env(live), stdout=log, stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True)
    output = lambda: log_path.read_text(errors="replace")  # noqa: E731
    pids: list[tuple[str, int]] = []
    try:
        wait_until(lambda: re.search(r"^worker\s*\| .*Listening on", output(), re.M), timeout=90)
        wait_until(lambda: re.search(r"^web\s*\| .*Listening at", output(), re.M), timeout=60)
        wait_until(lambda: re.search(r"^scheduler\s*\| ", output(), re.M), timeout=60)
        assert "database at revision" in output()
        first = _final(runs.submit_diagnostic(echo="first").run_id)
        assert first["status"] == "completed" and first["result"] == {"echo": "first"}, first

        pids = [(name, int(pid)) for name, pid in STARTED.findall(output())]
        worker_pid = dict(pids)["worker"]
        (watched / "module.py").write_text("VALUE = 2\n")
        wait_until(lambda: len(STARTED.findall(output())) >= 2 * len(pids), timeout=60)
        assert re.search(r"^dev\s*\| restarting worker, scheduler, web \(module\.py changed\)", output(), re.M)
        assert not _alive(worker_pid)
        pids = [(name, int(pid)) for name, pid in STARTED.findall(output())]
        assert dict(pids)["worker"] != worker_pid
        wait_until(lambda: output().count("Listening on high, default") >= 2, timeout=90)
        second = _final(runs.submit_diagnostic(echo="second").run_id)
        assert second["status"] == "completed" and second["result"] == {"echo": "second"}, second

        began = time.monotonic()
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=20) == 0, output()[-3000:]
        assert time.monotonic() - began < 15
        assert "warm shut down requested" in output()
        assert [p for _, p in pids if _alive(p)] == []
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        for _, pid in pids:
            if _alive(pid):
                os.killpg(pid, signal.SIGKILL)


def test_dev_restarts_a_child_that_exits_with_backoff(live: dict[str, str], tmp_path: Path) -> None:
    """A child that dies at once (here: a worker given an unknown queue) is restarted, ever more slowly."""
    log_path = tmp_path / "dev.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "jobagent.cli", "dev", "--no-web", "--no-scheduler",
                                 "--no-watch", "--queues", "nope", "--no-color"], env=_env(live), stdout=log,
                                stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True)
    delays = lambda: re.findall(r"^dev\s*\| worker exited with code 3; restarting in (\d+) s",  # noqa: E731
                                log_path.read_text(errors="replace"), re.M)
    try:
        wait_until(lambda: len(delays()) >= 3, timeout=90)
        assert proc.poll() is None  # the supervisor itself keeps running
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
    out = log_path.read_text(errors="replace")
    assert proc.returncode == 0, out
    assert "unknown queue 'nope'" in out
    assert delays()[:3] == ["1", "2", "4"], out
    assert len(STARTED.findall(out)) <= 4, out  # no spinning


def test_dev_finds_postgresql_through_a_symlinked_initdb_and_says_so(live: dict[str, str], tmp_path: Path) -> None:
    """The Debian image where ``initdb`` is on PATH only as a symlink into /usr/lib/postgresql/N/bin: dev used
    to refuse it and fall back to SQLite silently; now it starts PostgreSQL from there and names the store."""
    real = os.path.realpath(require_tool("initdb", "postgresql"))
    bindir = tmp_path / "bin"
    bindir.mkdir()
    (bindir / "initdb").symlink_to(real)
    env = _env({"REDIS_URL": live["REDIS_URL"], "JOBAGENT_DATA_DIR": str(tmp_path / "data")})
    env["PATH"] = os.pathsep.join([str(bindir), os.path.dirname(sys.executable), "/usr/bin", "/bin"])
    log_path = tmp_path / "dev.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "jobagent.cli", "dev", "--no-web", "--no-scheduler",
                                 "--no-watch", "--no-color"], env=env, stdout=log, stderr=subprocess.STDOUT,
                                cwd=ROOT, start_new_session=True)
    output = lambda: log_path.read_text(errors="replace")  # noqa: E731
    data_dir: Path | None = None
    try:
        wait_until(lambda: re.search(r"^worker\s*\| .*Listening on", output(), re.M), timeout=120)
        store = re.search(r"^dev\s*\| store: PostgreSQL at 127\.0\.0\.1:(\d+)/jobagent \(server from (\S+)\)$",
                          output(), re.M)
        assert store and store.group(2) == os.path.dirname(real), output()
        data_dir = Path(re.search(r"\(data in (\S+)\)", output()).group(1))  # type: ignore[union-attr]
        url = re.search(r"export DATABASE_URL=(\S+)", output()).group(1)  # type: ignore[union-attr]
        assert url.endswith(f":{store.group(1)}/jobagent") and "SQLite" not in output()
        listed = run_cli("runs", "--json", environ={"DATABASE_URL": url, "REDIS_URL": live["REDIS_URL"]},
                         home=tmp_path)
        assert listed.returncode == 0 and json.loads(listed.stdout) == [], listed.stderr  # migrated, empty
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=40) == 0, output()[-3000:]
        assert "stopped local servers" in output() and not port_is_open(int(store.group(1)))
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        if data_dir is not None and not data_dir.is_relative_to(tmp_path):
            shutil.rmtree(data_dir, ignore_errors=True)  # as root the cluster lives under /tmp
