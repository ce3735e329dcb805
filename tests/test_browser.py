"""rq-dashboard in a real headless Chromium, through Caddy: 401 without credentials, the queues with them."""

from __future__ import annotations

import json
import shutil
import time
from base64 import b64encode
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.web_stack import RQ_PASSWORD, RQ_USER, WebStack


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,900", f"--user-data-dir={tmp_path / 'chromium-profile'}"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver",
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
