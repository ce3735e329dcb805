"""rq-dashboard in a real headless Chromium, through Caddy: 401 without credentials, the queues with them, and
no script from a failed task's exception text (issue 11)."""

from __future__ import annotations

import json
import time
from base64 import b64encode
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.conftest import Workers
from tests.servers import require_tool
from tests.web_stack import RQ_PASSWORD, RQ_USER, FileServer, WebStack


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[webdriver.Chrome]:
    require_tool("caddy", "caddy")  # every browser test goes through Caddy
    options = webdriver.ChromeOptions()
    options.binary_location = require_tool("chromium", "chromium")
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,900", f"--user-data-dir={tmp_path / 'chromium-profile'}"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    service = Service(executable_path=require_tool("chromedriver", "chromium-driver"),
                      log_output=str(tmp_path / "chromedriver.log"))
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def _document_status(driver: webdriver.Chrome, url: str) -> int | None:
    """The HTTP status of the last top-level navigation to ``url``, from Chromium's own network log."""
    status = None
    for entry in driver.get_log("performance"):
        message: dict[str, Any] = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.responseReceived":
            response = message["params"]["response"]
            if message["params"].get("type") == "Document" and response["url"] == url:
                status = int(response["status"])
    return status


def test_dashboard_in_chromium(live: dict[str, str], tmp_path: Path, browser: webdriver.Chrome) -> None:
    stack = WebStack(live, tmp_path)
    try:
        stack.start_shim(workers=2)
        base = stack.start_caddy()
        with stack.client(base) as http:  # one task on each queue (no worker runs, so they stay queued)
            for priority in ("high", "default"):
                resp = http.post("/api/workflow/job-search", json={"query": "python", "location": "Berlin",
                                                                   "priority": priority})
                assert resp.status_code == 202, resp.text

        url = f"{base}/rq/"
        browser.get(url)
        assert _document_status(browser, url) == 401
        assert "RQ dashboard" not in browser.page_source and "RQ dashboard" not in browser.title

        token = b64encode(f"{RQ_USER}:{RQ_PASSWORD}".encode()).decode()
        browser.execute_cdp_cmd("Network.enable", {})
        browser.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": {"Authorization": f"Basic {token}"}})
        browser.get(url)
        assert _document_status(browser, url) == 200
        assert browser.title == "RQ dashboard"

        def queue_rows(driver: webdriver.Chrome) -> dict[str, str] | bool:
            # Read the table in one script: the dashboard re-renders it every poll, so element handles go stale.
            cells = driver.execute_script(
                "return Array.from(document.querySelectorAll('#queues tbody tr'))"
                ".map(r => Array.from(r.querySelectorAll('td')).map(td => td.innerText.trim()));")
            rows = {row[0]: row[1] for row in cells if len(row) >= 2}
            return rows if {"high", "default"} <= set(rows) else False

        try:
            rows = WebDriverWait(browser, 30, poll_frequency=0.5).until(queue_rows)
        except TimeoutException:
            browser.save_screenshot(str(tmp_path / "dashboard-timeout.png"))
            table = browser.find_element(By.ID, "queues").get_attribute("outerHTML")
            raise AssertionError(f"queues never listed: {table}\n{browser.get_log('browser')}\n{stack.logs()}") \
                from None
        assert rows["high"] == "1" and rows["default"] == "1", rows
        time.sleep(0.3)  # let the table paint before the screenshot
        shot = tmp_path / "dashboard.png"
        assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
    finally:
        stack.stop()


# --- issue 11, item 2: stored XSS on the dashboard's job page ---------------------------------------------

# The onerror handler would set both; neither may change. `src=x` fails to load, so onerror always fires.
PAYLOAD = "<img src=x onerror=window.xssRan=document.title=1337>"


def explode(message: str) -> None:
    """A task for a plain RQ worker: its failure text is stored raw, as an RQ without our worker would."""
    raise RuntimeError(message)


def _open_job_page(browser: webdriver.Chrome, base: str, job_id: str) -> dict[str, Any]:
    browser.get(f"{base}/rq/0/view/job/{job_id}")

    def rendered(driver: webdriver.Chrome) -> dict[str, Any] | bool:
        state = driver.execute_script(
            "const pre = document.querySelector('#job-data pre.exc_info');"
            "const imgs = Array.from(document.querySelectorAll('#job-data img'));"
            "return pre && pre.innerText.trim() ? {exc: pre.innerText, imgs: imgs.length,"
            " loaded: imgs.every(i => i.complete), data: document.querySelector('#job-data').innerText} : null;")
        return state if state and state["loaded"] else False

    state = WebDriverWait(browser, 60, poll_frequency=0.3).until(rendered)
    time.sleep(1.0)  # a failed image's onerror runs right after it completes; give it every chance
    state.update(browser.execute_script("return {title: document.title, ran: window.xssRan === undefined ? null"
                                        " : String(window.xssRan)};"))
    return state


def test_markup_in_a_failed_tasks_exception_does_not_run(live: dict[str, str], tmp_path: Path, workers: Workers,
                                                         browser: webdriver.Chrome) -> None:
    from redis import Redis
    from rq import Queue, SimpleWorker
    from rq.serializers import JSONSerializer

    live["JOBAGENT_ALLOW_PRIVATE_URLS"] = "1"  # the CV host is 127.0.0.1; the workers share this dict
    # A task failed by a plain RQ worker on a queue of its own: its text holds the raw tag, so this page tests
    # the dashboard's CSP alone (the markup is in the DOM; its handler must still not run).
    conn = Redis.from_url(live["REDIS_URL"])
    raw_queue = Queue("xss-raw", connection=conn, serializer=JSONSerializer)
    raw = raw_queue.enqueue(f"{__name__}.explode", f"could not fetch http://cv.example/{PAYLOAD}")
    assert SimpleWorker([raw_queue], connection=conn, serializer=JSONSerializer).work(burst=True)

    stack = WebStack(live, tmp_path)
    (tmp_path / "cvs").mkdir()
    try:
        stack.start_shim(workers=2)
        base = stack.start_caddy()
        workers.start()
        with FileServer(tmp_path / "cvs") as cvs, stack.client(base) as http:
            # The real thing: a CV URL carrying the tag; the CV host answers 404, so the task fails with it.
            resp = http.post("/api/workflow/profiling", json={"name": "Eve", "email": "eve@example.com",
                                                              "cv_urls": [cvs.url(f"cv/{PAYLOAD}.pdf")]})
            assert resp.status_code == 202, resp.text
            execution_id = resp.json()["execution_id"]
            status_url = resp.json()["status_url"]
            deadline = time.monotonic() + 120
            while (status := http.get(status_url).json())["status"] not in ("failed", "completed"):
                assert time.monotonic() < deadline, (status, workers.logs())
                time.sleep(0.3)
            assert status["status"] == "failed", (status, workers.logs())
            stored = httpx.get(f"{base}/rq/0/data/job/{execution_id}.json", auth=(RQ_USER, RQ_PASSWORD)).json()
            assert "img src=x onerror=" in stored["exc_info"] and "<" not in stored["exc_info"], stored

        token = b64encode(f"{RQ_USER}:{RQ_PASSWORD}".encode()).decode()
        browser.execute_cdp_cmd("Network.enable", {})
        browser.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": {"Authorization": f"Basic {token}"}})

        real = _open_job_page(browser, base, execution_id)
        assert real["title"] == "RQ dashboard" and real["ran"] is None, real
        assert real["imgs"] == 0 and "\u2039img src=x onerror=window.xssRan" in real["exc"], real  # shown as text
        assert "could not fetch" in real["exc"] and "failed" in real["data"], real  # the job is still rendered
        # The list of failed tasks renders too (its inline script allowed by its hash), and nothing was blocked.
        browser.get(f"{base}/rq/0/view/jobs/{stored['origin']}/failed/8/asc/1")
        listed = WebDriverWait(browser, 60, poll_frequency=0.3).until(
            lambda d: d.execute_script("const t = document.querySelector('#jobs tbody');"
                                       "return t && t.innerText.includes(arguments[0]) ? t.innerText : null;",
                                       execution_id))
        assert "\u2039img src=x" in listed and browser.title == "RQ dashboard"
        blocked = [e["message"] for e in browser.get_log("browser") if "Content Security Policy" in e["message"]]
        assert blocked == [], blocked

        hostile = _open_job_page(browser, base, raw.id)
        # The tag is live markup here (twice: RQ's default description repeats the argument).
        assert hostile["imgs"] == 2 and PAYLOAD[:12] not in hostile["exc"], hostile
        assert hostile["title"] == "RQ dashboard" and hostile["ran"] is None, hostile  # its handler did not run
        assert "xss-raw" in hostile["data"]
    finally:
        stack.stop()
