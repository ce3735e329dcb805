"""Model-written letters against a local server speaking the chat-completions shape."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from jobagent.postings.llm_letters import LLMConfig, llm_cover_letter
from jobagent.postings.schema import MatchResult, PostingData, ProfileFacts

PROFILE = ProfileFacts(name="Jane Doe", email="jane@example.org", location="Berlin", skills=["Python", "SQL"],
                       years_experience=7, titles_held=["Backend Engineer"])
MATCH = MatchResult(posting=PostingData(source="t", external_id="1", title="Backend Engineer", company="Acme",
                                        description="Python, SQL, Kubernetes"),
                    score=80, matched_skills=["Python", "SQL"])
GOOD = "Dear Acme, I am Jane Doe, a Backend Engineer with 7 years of Python and SQL. Kind regards, Jane Doe"
# A letter whose one invented sentence can be dropped while the rest stands (issue 13: repair, not discard).
MIXED = ("Dear Acme hiring team,\n\nI am Jane Doe, applying for the Backend Engineer role at Acme.\n"
         "I have 7 years of Python and SQL. I also ran Kubernetes for 15 years.\n\nKind regards,\nJane Doe\n")


class _Chat(BaseHTTPRequestHandler):
    state: dict[str, Any] = {}

    def do_POST(self) -> None:  # noqa: N802
        st = type(self).state
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        st.setdefault("requests", []).append((self.path, self.headers.get("Authorization"), body))
        if st["mode"] == "slow":
            time.sleep(2)
        status, body = {
            "good": (200, {"choices": [{"message": {"role": "assistant", "content": GOOD}}]}),
            "invent": (200, {"choices": [{"message": {"content": "Jane has 15 years of Kubernetes."}}]}),
            "mixed": (200, {"choices": [{"message": {"content": MIXED}}]}),
            "error": (500, {"error": "boom"}),
            "garbage": (200, {"nothing": True}),
            "slow": (200, {"choices": [{"message": {"content": GOOD}}]}),
        }[st["mode"]]
        data = json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            pass

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def chat() -> Iterator[tuple[str, dict[str, Any]]]:
    state: dict[str, Any] = {"mode": "good"}
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), type("Chat", (_Chat,), {"state": state}))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1", state
    httpd.shutdown()


def _config(base: str, allow_private: bool = True) -> LLMConfig:
    return LLMConfig(base_url=base, model="tiny-model", api_key="sekret", timeout=1.0, allow_private=allow_private)


def test_grounded_letter_is_used(chat) -> None:
    base, state = chat
    letter, why = llm_cover_letter(_config(base), PROFILE, MATCH, "FALLBACK")
    assert letter == GOOD + "\n" and why is None
    path, auth, body = state["requests"][0]
    assert path == "/v1/chat/completions" and auth == "Bearer sekret" and body["model"] == "tiny-model"
    assert "Python, SQL" in body["messages"][1]["content"] and "Kubernetes" not in body["messages"][1]["content"]


@pytest.mark.parametrize(("mode", "reason"), [("invent", "LLM letter rejected: it states number 15, skill Kubernetes"),
                                              ("error", "failed (HTTP 500)"), ("garbage", "failed ("),
                                              ("slow", "failed (")])
def test_fallback_with_reason(chat, mode: str, reason: str) -> None:
    base, state = chat
    state["mode"] = mode
    letter, why = llm_cover_letter(_config(base), PROFILE, MATCH, "FALLBACK")
    assert letter == "FALLBACK" and why is not None and reason in why and why.endswith("used the template letter")


def test_private_endpoint_refused_without_a_request(chat) -> None:
    base, state = chat
    letter, why = llm_cover_letter(_config(base, allow_private=False), PROFILE, MATCH, "FALLBACK")
    assert letter == "FALLBACK" and "refused URL" in (why or "") and "requests" not in state


def test_search_falls_back_to_template_letters(env, store_url: str, chat, tmp_path) -> None:
    from jobagent.api import postings, runs
    from tests.documents import make_pdf

    base, state = chat
    state["mode"] = "invent"
    env(database_url=store_url, LLM_BASE_URL=base, JOBAGENT_ALLOW_PRIVATE_URLS="true")
    prof = runs.get_status(runs.submit_profiling("Alex Morgan", "alex@example.org",
                                                 [str(make_pdf(tmp_path / "cv.pdf"))]).run_id).model_dump()
    st = runs.get_status(runs.submit_job_search("data engineer", profile_id=prof["result"]["profile_id"])
                         .run_id).model_dump()
    assert st["status"] == "completed" and len(state["requests"]) == st["result"]["matches"] >= 1
    assert all("LLM letter rejected" in w for w in st["result"]["warnings"])
    assert all(m["has_cover_letter"] for m in [x.model_dump() for x in
                                               postings.list_matches(st["run_id"])])  # the template letters stand


def test_llm_letter_is_repaired_when_the_rest_stands(chat) -> None:
    base, state = chat
    state["mode"] = "mixed"
    letter, why = llm_cover_letter(_config(base), PROFILE, MATCH, "FALLBACK")
    assert letter != "FALLBACK" and "Kubernetes" not in letter and "7 years of Python and SQL" in letter
    assert why == "LLM letter: dropped sentences stating number 15, skill Kubernetes"


def test_the_model_is_asked_for_the_letter_s_language(chat) -> None:
    """Issue 25 §6: a German posting's letter is asked for in German (the template's fallback is German too)."""
    base, state = chat
    llm_cover_letter(_config(base), PROFILE, MATCH, "FALLBACK", "de")
    llm_cover_letter(_config(base), PROFILE, MATCH, "FALLBACK")
    prompts = [body["messages"][1]["content"] for _, _, body in state["requests"]]
    assert prompts[0].endswith("Write the cover letter in German.") and prompts[1].endswith("in English.")
