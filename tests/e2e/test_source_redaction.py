"""Issue 23 §9: credentials in a source spec are never shown: not in a search's result, its status (CLI and
HTTP), ``sources list``, ``harvest`` or any ``error:`` line. A real RSS feed over HTTP on 127.0.0.1, PostgreSQL.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from jobagent.config import get_settings
from jobagent.web import create_app
from tests.web_stack import TOKEN, FileServer

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "sources" / "jobs.rss"
SECRETS = ("bob", "pw@", "T0PSECRET")


def _clean(text: str) -> bool:
    return not any(secret in text for secret in SECRETS)


def test_source_credentials_are_redacted_everywhere(env, clean_pg: str, cli_main, tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    shutil.copy(FIXTURE, site / "jobs.rss")
    with FileServer(site) as files:
        port = files.url("jobs.rss").split(":")[2].split("/")[0]
        spec = f"rss:http://bob:pw@127.0.0.1:{port}/jobs.rss?token=T0PSECRET"
        broken = f"rss:http://bob:pw@127.0.0.1:{port}/gone.rss?token=T0PSECRET"
        env(database_url=clean_pg, JOBAGENT_ALLOW_PRIVATE_URLS="true", JOBAGENT_SOURCES=spec)

        code, out, err = cli_main("harvest", spec, broken, "--json")
        reports = json.loads(out)
        assert [r["outcome"] for r in reports] == ["ok", "failed"] and code != 0, (out, err)
        assert reports[0]["source"] == f"rss:http://***@127.0.0.1:{port}/jobs.rss?***"
        assert _clean(out) and _clean(err), (out, err)
        code, out, err = cli_main("harvest", broken)
        assert "error: rss:http://***@" in err and _clean(out) and _clean(err), err

        code, out, err = cli_main("sources", "list", "--json")
        assert code == 0 and "127.0.0.1" in out and _clean(out), out
        code, out, err = cli_main("sources", "list")
        assert code == 0 and _clean(out), out

        code, out, err = cli_main("search", "rust engineer", "--location", "Lisbon", "--source", spec,
                                  "--wait", "--json")
        assert code == 0, err
        run_id = json.loads(out)["run_id"]
        code, out, err = cli_main("status", run_id, "--json")
        status = json.loads(out)
        assert status["status"] == "completed" and status["result"]["sources"] == [reports[0]["source"]], out
        assert _clean(out) and _clean(err)
        settings = get_settings().model_copy(update={"api_tokens": TOKEN})
        resp = create_app(settings).test_client().get(f"/workflow/status/{run_id}",
                                                      headers={"Authorization": f"Bearer {TOKEN}"})
        assert resp.status_code == 200 and _clean(resp.get_data(as_text=True)), resp.get_data(as_text=True)

        code, out, err = cli_main("search", "rust", "--location", "Lisbon", "--source",
                                  "rsx:http://bob:pw@example.org/?token=T0PSECRET")
        assert code == 3 and "unknown source kind" in err and _clean(err), err
