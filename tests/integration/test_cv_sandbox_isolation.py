"""The CV parsing child sees no credentials, no network and no directory but a fresh one (issue 23).

It parses hostile files; a parser bug that runs code there used to find the worker's whole environment
(DATABASE_URL with its password, SMTP_PASSWORD, API tokens) and its network. Real child processes, a real
listener on 127.0.0.1 it must not reach, and a real generated PDF parsed the same way.
"""

from __future__ import annotations

import os
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from jobagent.config import Settings
from jobagent.cv.sandbox import parse_cv_bytes, probe_child
from tests.documents import make_pdf

SECRETS = {"DATABASE_URL": "postgresql+psycopg://jobagent:db-secret@127.0.0.1/jobagent",
           "REDIS_URL": "redis://:redis-secret@127.0.0.1:6379/0", "SMTP_PASSWORD": "smtp-secret",
           "JOBAGENT_SMTP_PASSWORD": "smtp-secret", "API_TOKENS": "token-secret",
           "JOBAGENT_DASHBOARD_PROXY_SECRET": "proxy-secret", "SENTRY_DSN": "https://key@sentry.example/1",
           "AWS_SECRET_ACCESS_KEY": "aws-secret"}


@pytest.fixture
def secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(4)
    sock.settimeout(0.2)
    yield sock
    sock.close()


def test_child_has_no_credentials_no_network_and_a_fresh_directory(secrets: None, listener: socket.socket) -> None:
    port = listener.getsockname()[1]
    with socket.create_connection(("127.0.0.1", port), timeout=2):  # the parent itself can connect
        listener.accept()[0].close()
    first, second = probe_child(connect_port=port), probe_child()
    names = set(first["env"])
    assert not {n for n in names if n.startswith(("JOBAGENT_", "DATABASE", "SMTP", "REDIS", "API_", "SENTRY",
                                                  "AWS_"))}, names
    assert names <= {"PATH", "HOME", "TMPDIR", "PYTHONPATH", "PYTHONDONTWRITEBYTECODE", "PYTHONIOENCODING",
                     "PYTHONNOUSERSITE", "LANG", "LC_ALL", "LC_CTYPE", "TZ"}, names
    # A fresh temporary directory per child, removed afterwards; never the worker's own directory.
    for cwd in (first["cwd"], second["cwd"]):
        assert Path(cwd).name.startswith("jobagent-cv-") and Path(cwd).parent == Path(tempfile.gettempdir())
        assert not Path(cwd).exists() and cwd != os.getcwd()
    assert first["cwd"] != second["cwd"]
    # unshare works on this machine (as on CI): the child is in a network namespace of its own.
    assert first["network"] == "isolated", first
    assert isinstance(first["connected"], str) and "Error" in first["connected"], first
    with pytest.raises(TimeoutError):
        listener.accept()  # nothing from the child ever arrived


def test_cv_still_parses_inside_the_isolated_child(secrets: None, tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "cv.pdf")
    stats: dict = {}
    doc = parse_cv_bytes("cv.pdf", pdf.read_bytes(), suffix=".pdf", settings=Settings(), stats=stats)
    assert doc.kind == "pdf" and "Python" in doc.text
    assert stats["outcome"] == "ok" and stats["network"] == "isolated", stats
