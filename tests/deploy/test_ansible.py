"""The Ansible deployment: it parses, lints clean at the production profile, and the app role converges.

The converge runs the real ``app`` role with ``-c local`` into a scratch prefix (every path is a role variable),
without root-only steps, pip or systemd: it renders the settings file, the per-instance queue files and the units,
and a second run must change nothing. Needs ``ansible`` and ``ansible-lint`` (pip) on PATH.
"""

from __future__ import annotations

import grp
import json
import os
import pwd
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.servers import require_tool

ROOT = Path(__file__).resolve().parents[2]
ANSIBLE_DIR = ROOT / "ansible"
INVENTORY_EXAMPLE = ANSIBLE_DIR / "inventories/production/hosts.yml.example"


def _tool(name: str) -> str:
    return require_tool(name, "ansible and ansible-lint (pip install '.[deploy]')")


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "ANSIBLE_HOME": str(tmp_path / "ansible-home"), "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_ROLES_PATH": str(ANSIBLE_DIR / "roles"), "ANSIBLE_LOCAL_TEMP": str(tmp_path / "ansible-tmp"),
            "ANSIBLE_CONFIG": str(ANSIBLE_DIR / "ansible.cfg")}


def test_site_playbook_syntax(tmp_path: Path) -> None:
    inventory = tmp_path / "hosts.yml"
    shutil.copy(INVENTORY_EXAMPLE, inventory)
    res = subprocess.run([_tool("ansible-playbook"), "--syntax-check", "-i", str(inventory), "site.yml"],
                         cwd=ANSIBLE_DIR, env=_env(tmp_path), capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "Could not match supplied host pattern" not in res.stderr  # every group exists in the example


def test_example_inventory_has_the_four_groups(tmp_path: Path) -> None:
    inventory = tmp_path / "hosts.yml"
    shutil.copy(INVENTORY_EXAMPLE, inventory)
    res = subprocess.run([_tool("ansible-inventory"), "-i", str(inventory), "--list"], env=_env(tmp_path),
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    groups = json.loads(res.stdout)
    for group in ("db", "redis", "workers", "web"):
        assert groups[group]["hosts"] == ["jobagent-1"], group


def test_ansible_lint_production_profile(tmp_path: Path) -> None:
    res = subprocess.run([_tool("ansible-lint"), "--offline", "--profile", "production", "--nocolor"],
                         cwd=ANSIBLE_DIR, env=_env(tmp_path), capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "Profile 'production' was required, and it passed" in res.stdout + res.stderr


def test_vault_example_is_plain_and_documented() -> None:
    text = (ANSIBLE_DIR / "inventories/production/group_vars/all/vault.yml.example").read_text()
    assert not text.startswith("$ANSIBLE_VAULT") and "ansible-vault encrypt" in text
    assert not (ANSIBLE_DIR / "inventories/production/group_vars/all/vault.yml").exists() or \
        (ANSIBLE_DIR / "inventories/production/group_vars/all/vault.yml").read_text().startswith("$ANSIBLE_VAULT")


def _converge(tmp_path: Path, prefix: Path, queues: list[str]) -> subprocess.CompletedProcess[str]:
    user = pwd.getpwuid(os.getuid()).pw_name
    group = grp.getgrgid(os.getgid()).gr_name
    extra = {
        "ansible_python_interpreter": "{{ ansible_playbook_python }}",
        "app_install_dir": str(prefix / "opt/jobagent"), "app_config_dir": str(prefix / "etc/jobagent"),
        "app_data_dir": str(prefix / "var/lib/jobagent"), "app_backup_dir": str(prefix / "var/backups/jobagent"),
        "app_unit_dir": str(prefix / "etc/systemd/system"), "app_python": sys.executable,
        "app_user": user, "app_group": group, "app_config_owner": user, "app_config_group": group,
        "app_install_package": False, "app_run_migrations": False, "app_manage_services": False,
        "app_release": "9.9.9", "app_worker_queues": queues, "app_api_tokens": "tok-1,tok-2",
        "postgres_password": "p@ss/word", "redis_password": "r3dis", "app_extra_env": {"JOBAGENT_SOURCES": "remotive"},
    }
    (tmp_path / "vars.json").write_text(json.dumps(extra))
    playbook = tmp_path / "converge.yml"
    playbook.write_text("- name: Converge the app role\n  hosts: localhost\n  gather_facts: true\n"
                        "  gather_subset: [min]\n  roles:\n    - role: app\n")
    res = subprocess.run([_tool("ansible-playbook"), "-i", "localhost,", "-c", "local", str(playbook),
                          "-e", f"@{tmp_path / 'vars.json'}"],
                         env=_env(tmp_path), capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert res.returncode == 0, res.stdout[-4000:] + res.stderr[-2000:]
    return res


def _changed(res: subprocess.CompletedProcess[str]) -> int:
    match = re.search(r"localhost\s*:\s*ok=\d+\s+changed=(\d+)", res.stdout)
    assert match, res.stdout[-2000:]
    return int(match.group(1))


def test_app_role_converges_into_a_prefix_idempotently(tmp_path: Path) -> None:
    prefix = tmp_path / "root"
    first = _converge(tmp_path, prefix, ["high,default", "high,default", "default,high"])
    assert _changed(first) > 0

    env_file = prefix / "etc/jobagent/jobagent.env"
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    settings = dict(line.split("=", 1) for line in env_file.read_text().splitlines() if line and line[0] != "#")
    assert settings["DATABASE_URL"] == "postgresql+psycopg://jobagent:p%40ss%2Fword@127.0.0.1:5432/jobagent"
    assert settings["REDIS_URL"] == "redis://:r3dis@127.0.0.1:6379/0"
    assert settings["RELEASE_VERSION"] == "9.9.9" and settings["API_TOKENS"] == "tok-1,tok-2"
    assert settings["JOBAGENT_SOURCES"] == "remotive" and "SMTP_PASSWORD" not in settings
    assert settings["JOBAGENT_BACKUP_DIR"] == str(prefix / "var/backups/jobagent")
    assert stat.S_IMODE((prefix / "var/backups/jobagent").stat().st_mode) == 0o700

    queue_files = sorted((prefix / "etc/jobagent").glob("worker-*.env"))
    assert [p.name for p in queue_files] == ["worker-1.env", "worker-2.env", "worker-3.env"]
    assert "JOBAGENT_WORKER_QUEUES=default,high" in queue_files[2].read_text()
    for unit in (ROOT / "systemd").glob("jobagent*"):
        assert (prefix / "etc/systemd/system" / unit.name).read_text() == unit.read_text(), unit.name
    assert (prefix / "opt/jobagent/venv/bin/python").exists()
    # The release is pip-installed with the tested versions (issue 15): the constraints file and `-c` on it.
    assert (prefix / "opt/jobagent/constraints.txt").read_text() == (ROOT / "constraints.txt").read_text()
    import yaml

    (pip_task,) = [t for t in yaml.safe_load((ANSIBLE_DIR / "roles/app/tasks/main.yml").read_text())
                   if "ansible.builtin.pip" in t]
    assert pip_task["ansible.builtin.pip"]["extra_args"].startswith("-c {{ app_install_dir }}/constraints.txt")
    admin = prefix / "opt/jobagent/bin/jobagent-admin"
    assert stat.S_IMODE(admin.stat().st_mode) == 0o750 and f". {prefix}/etc/jobagent/jobagent.env" in admin.read_text()
    assert subprocess.run(["sh", "-n", str(admin)], capture_output=True).returncode == 0

    second = _converge(tmp_path, prefix, ["high,default", "high,default", "default,high"])
    assert _changed(second) == 0, second.stdout[-3000:]

    # Scaling down is a variable change: the queue file of the dropped instance goes away.
    third = _converge(tmp_path, prefix, ["high,default", "default,high"])
    assert _changed(third) > 0
    assert sorted(p.name for p in (prefix / "etc/jobagent").glob("worker-*.env")) == ["worker-1.env", "worker-2.env"]
    assert "JOBAGENT_WORKER_QUEUES=default,high" in (prefix / "etc/jobagent/worker-2.env").read_text()


@pytest.mark.parametrize("role", ["common", "postgres", "redis", "app", "caddy", "backups"])
def test_role_variables_are_prefixed(role: str) -> None:
    """Role defaults carry the role's name, so group_vars never collide between roles."""
    defaults = (ANSIBLE_DIR / "roles" / role / "defaults/main.yml").read_text()
    names = re.findall(r"^([a-z_]+):", defaults, re.M)
    assert names and all(n.startswith(f"{role}_") for n in names), names


def test_caddy_role_validate_command_accepts_the_caddyfile_and_rejects_a_broken_one(tmp_path: Path) -> None:
    """The role installs the repository's Caddyfile only if this exact command accepts it."""
    import yaml

    tasks = yaml.safe_load((ANSIBLE_DIR / "roles/caddy/tasks/main.yml").read_text())
    (validate,) = [t["ansible.builtin.template"]["validate"] for t in tasks
                   if "validate" in t.get("ansible.builtin.template", {})]
    require_tool("caddy", "caddy")
    good = tmp_path / "good"
    shutil.copy(ROOT / "Caddyfile", good)
    bad = tmp_path / "bad"
    bad.write_text((ROOT / "Caddyfile").read_text() + "\n}}} not caddyfile {\n")
    results = {}
    for path in (good, bad):
        cmd = validate.replace("{{ caddy_domain }}", "jobs.example.com").replace("%s", str(path)).split()
        results[path.name] = subprocess.run(cmd, capture_output=True, text=True, timeout=60).returncode
    assert results["good"] == 0 and results["bad"] != 0, results
