"""A local job-board server on 127.0.0.1 for harvest tests: Greenhouse, Lever and Arbeitnow shapes, with
pages, ETag/304, request counting and switchable faults (500, garbage, slow, 429 with Retry-After).

Boards hold postings in one neutral shape (``title, company, location, remote, description, id``) and are
rendered in each board's JSON on request, so a test changes a board by editing a list.
"""

from __future__ import annotations

import hashlib
import html
import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


class BoardServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, arbeitnow_page_size: int = 100) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.boards: dict[str, list[dict[str, Any]]] = {}  # "greenhouse:acme", "lever:globex", "arbeitnow"
        # board key -> "500" | "garbage" | "slow" | "429" (once); "garbage@2": pages from 2 on are garbage
        self.faults: dict[str, str] = {}
        self.retry_after = "1"
        self.validators: dict[str, dict[str, str]] = {}  # board key -> headers sent instead of the ETag
        self.page_size = arbeitnow_page_size
        self.requests: list[str] = []
        self.times: list[float] = []  # monotonic arrival time of each request
        self.not_modified = 0
        self.lock = threading.Lock()
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    def __enter__(self) -> BoardServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def base_urls(self) -> dict[str, str]:
        return {kind: self.base for kind in ("greenhouse", "lever", "remotive", "arbeitnow")}

    def pages(self, key: str) -> int:
        """How many requests a full harvest of the board takes."""
        n = len(self.boards.get(key, []))
        if key.startswith("greenhouse"):
            return 1
        size = 100 if key.startswith("lever") else self.page_size
        return n // size + 1 if key.startswith("lever") else max(1, -(-n // size))

    def count(self) -> int:
        with self.lock:
            return len(self.requests)


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha1(body).hexdigest()[:16] + '"'


class _Handler(BaseHTTPRequestHandler):
    server: BoardServer

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        srv = self.server
        with srv.lock:
            srv.requests.append(self.path)
            srv.times.append(time.monotonic())
        key, body = self._render(parts.path, query)
        if key is None:
            return self._send(404, b'{"error": "no such board"}')
        fault = srv.faults.get(key)
        if fault and "@" in fault:
            fault, first_bad = fault.split("@")
            fault = fault if int(query.get("page", ["1"])[0]) >= int(first_bad) else None
        if fault == "500":
            return self._send(500, b"upstream exploded", "text/plain")
        if fault == "garbage":
            return self._send(200, b"<html>maintenance</html>", "text/html")
        if fault == "slow":
            time.sleep(1)
        if fault == "429":
            srv.faults.pop(key)  # once
            return self._send(429, b"slow down", "text/plain", {"Retry-After": srv.retry_after})
        etag = _etag(body)
        if self.headers.get("If-None-Match") == etag:
            with srv.lock:
                srv.not_modified += 1
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return None
        return self._send(200, body, extra=srv.validators.get(key) or {"ETag": etag})

    def _render(self, path: str, query: dict[str, list[str]]) -> tuple[str | None, bytes]:
        srv = self.server
        segs = path.strip("/").split("/")
        if path.startswith("/v1/boards/") and path.endswith("/jobs"):
            key = f"greenhouse:{segs[2]}"
            if key not in srv.boards:
                return None, b""
            jobs = [{"id": p["id"], "title": p["title"], "location": {"name": p["location"]},
                     "content": html.escape(f"<p>{p['description']}</p>"), "absolute_url": p.get("url"),
                     "updated_at": "2026-11-20T10:00:00Z"} for p in srv.boards[key]]
            return key, json.dumps({"jobs": jobs}).encode()
        if path.startswith("/v0/postings/"):
            key = f"lever:{segs[2]}"
            if key not in srv.boards:
                return None, b""
            skip, limit = int(query.get("skip", ["0"])[0]), int(query.get("limit", ["100"])[0])
            items = [{"id": p["id"], "text": p["title"], "categories": {"location": p["location"]},
                      "workplaceType": "remote" if p.get("remote") else "onsite",
                      "descriptionPlain": p["description"], "hostedUrl": p.get("url"), "createdAt": 1763600000000}
                     for p in srv.boards[key][skip:skip + limit]]
            return key, json.dumps(items).encode()
        if path == "/api/job-board-api":
            key = "arbeitnow"
            if key not in srv.boards:
                return None, b""
            page = int(query.get("page", ["1"])[0])
            chunk = srv.boards[key][(page - 1) * srv.page_size: page * srv.page_size]
            more = page * srv.page_size < len(srv.boards[key])
            data = [{"slug": p["id"], "title": p["title"], "company_name": p["company"], "location": p["location"],
                     "remote": bool(p.get("remote")), "description": p["description"], "url": p.get("url"),
                     "created_at": 1763600000, "tags": [], "job_types": []} for p in chunk]
            links = {"next": f"https://www.arbeitnow.com/api/job-board-api?page={page + 1}" if more else None}
            return key, json.dumps({"data": data, "links": links}).encode()
        return None, b""

    def _send(self, status: int, body: bytes, content_type: str = "application/json",
              extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)


def hits(server: BoardServer) -> Counter[str]:
    with server.lock:
        return Counter(urlsplit(r).path for r in server.requests)
