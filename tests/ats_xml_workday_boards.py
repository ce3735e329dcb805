"""Local Personio, BambooHR and Workday servers on 127.0.0.1, answering in each system's real shapes, with
ETag/304 on every GET, request counting and switchable faults.

Where each shape comes from:
- Personio: the XML feed as Personio's developer docs describe it ("Retrieving open positions",
  developer.personio.de/docs/retrieving-open-job-positions: ``<workzag-jobs>``, ``<position>`` with ``id``,
  ``subcompany``, ``office``, ``department``, ``recruitingCategory``, ``name``, ``jobDescriptions`` of
  ``jobDescription``/``name``+``value`` (CDATA HTML), ``employmentType``, ``seniority``, ``schedule``,
  ``yearsOfExperience``), plus ``additionalOffices/office``, ``keywords`` and ``createdAt`` as measured
  on live feeds (dev.to "Reading Personio career sites through their XML feed", October 2026).
- BambooHR: the public careers endpoints as open-source adapters read them (e.g. the jobfinder
  "employer boards" adapter and several crawlers found with the code search): ``/careers/list`` answers
  ``{"meta": {"totalCount"}, "result": [{"id", "jobOpeningName", "departmentId", "departmentLabel",
  "employmentStatusLabel", "location": {"city", "state"}, "atsLocation": {"country", "state", "province",
  "city"}, "isRemote", "locationType"}]}``; ``/careers/{id}/detail`` answers ``{"result": {"jobOpening":
  {"jobOpeningShareUrl", "jobOpeningName", "description", "datePosted", "compensation", ...}}}``.
- Workday: the cxs API as JobSpy-like scrapers call it: ``POST /wday/cxs/{tenant}/{site}/jobs`` with
  ``{"appliedFacets", "limit", "offset", "searchText"}`` answering ``{"total", "jobPostings": [{"title",
  "externalPath", "locationsText", "postedOn", "bulletFields"}], "facets"}``, and ``GET /wday/cxs/{tenant}/
  {site}{externalPath}`` answering ``{"jobPostingInfo": {"id", "title", "jobDescription", "location",
  "additionalLocations", "postedOn", "startDate", "timeType", "jobReqId", "jobPostingId", "country":
  {"descriptor"}, "canApply", "posted", "externalUrl", "remoteType"}, "hiringOrganization": {"name"}}``.
  Quirks as those adapters (and the engineering guide) record them: a limit above 20 is a 400, ``total``
  only on the first page (0 after), an offset past the end wraps round to page 1. The search is a POST, so
  it has no 304; its detail GETs do.
"""

from __future__ import annotations

import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<workzag-jobs><position><id>1</id><name>&lol3;</name></position></workzag-jobs>"""


class AtsServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.personio: dict[str, list[dict[str, Any]]] = {}  # company -> positions
        self.bamboohr: dict[str, list[dict[str, Any]]] = {}  # company -> openings
        self.bamboohr_gone: set[str] = set()  # opening ids whose detail answers 404
        self.workday: dict[tuple[str, str], list[dict[str, Any]]] = {}  # (tenant, site) -> postings
        self.workday_total: int | None = None  # None: the true count; else the (lying) total on page 1
        self.workday_omit_total = False
        self.faults: dict[str, str] = {}  # "personio" -> "bomb"; "workday" -> "truncated@40" (offset)
        self.requests: list[tuple[str, str]] = []
        self.not_modified = 0
        self.lock = threading.Lock()
        self._thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> AtsServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def base_urls(self) -> dict[str, str]:
        return {"personio": f"{self.base}/personio/{{company}}", "bamboohr": f"{self.base}/bamboohr/{{company}}",
                "workday": self.base}

    def count(self, method: str | None = None, contains: str = "") -> int:
        with self.lock:
            return sum(1 for m, p in self.requests if (method is None or m == method) and contains in p)


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha1(body).hexdigest()[:16] + '"'


def personio_xml(positions: list[dict[str, Any]]) -> bytes:
    out = ['<?xml version="1.0" encoding="UTF-8"?>', "<workzag-jobs>"]
    for p in positions:
        extra = "".join(f"<office>{escape(o)}</office>" for o in p.get("more_offices", []))
        blocks = "".join(f"<jobDescription><name>{escape(name)}</name><value><![CDATA[{html}]]></value>"
                         "</jobDescription>" for name, html in p["blocks"])
        out.append(
            f"<position><id>{p['id']}</id><subcompany>{escape(p['company'])}</subcompany>"
            f"<office>{escape(p['office'])}</office><additionalOffices>{extra}</additionalOffices>"
            f"<department>Engineering</department><recruitingCategory>Tech</recruitingCategory>"
            f"<name>{escape(p['title'])}</name><jobDescriptions>{blocks}</jobDescriptions>"
            f"<employmentType>{p.get('employment', 'permanent')}</employmentType><seniority>experienced</seniority>"
            f"<schedule>{p.get('schedule', 'full-time')}</schedule><yearsOfExperience>2-5</yearsOfExperience>"
            f"<keywords>python,sql</keywords><createdAt>{p.get('created', '2026-11-02T09:30:00+00:00')}</createdAt>"
            "</position>")
    out.append("</workzag-jobs>")
    return "\n".join(out).encode()


class _Handler(BaseHTTPRequestHandler):
    server: AtsServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _note(self, method: str) -> None:
        with self.server.lock:
            self.server.requests.append((method, self.path))

    def do_POST(self) -> None:  # noqa: N802
        self._note("POST")
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
        segs = urlsplit(self.path).path.strip("/").split("/")
        if len(segs) != 5 or segs[:2] != ["wday", "cxs"] or segs[4] != "jobs":
            return self._send(404, b'{"errorCode": "NOT_FOUND"}')
        postings = self.server.workday.get((segs[2], segs[3]))
        if postings is None:
            return self._send(404, b'{"errorCode": "NOT_FOUND"}')
        limit, offset = int(body.get("limit", 20)), int(body.get("offset", 0))
        if limit > 20 or set(body) != {"appliedFacets", "limit", "offset", "searchText"}:
            return self._send(400, b'{"errorCode": "HTTP_400", "message": "Bad Request"}')
        if offset >= len(postings):
            offset = 0  # past the end, Workday wraps round to the first page
        chunk = postings[offset:offset + limit]
        total = (self.server.workday_total if self.server.workday_total is not None else len(postings))
        page: dict[str, Any] = {"total": total if offset == 0 else 0, "facets": [], "jobPostings": [
            {"title": p["title"], "externalPath": p["path"], "locationsText": p["location"],
             "postedOn": p.get("posted", "Posted 30+ Days Ago"), "bulletFields": [p["id"]]} for p in chunk]}
        if self.server.workday_omit_total:
            page.pop("total")
        data = json.dumps(page).encode()
        fault = self.server.faults.get("workday", "")
        if fault.startswith("truncated@") and offset >= int(fault.split("@")[1]):
            return self._send(200, data, truncate=True)
        return self._send(200, data)

    def do_GET(self) -> None:  # noqa: N802
        self._note("GET")
        parts = urlsplit(self.path)
        segs = parts.path.strip("/").split("/")
        body = self._render(segs, parse_qs(parts.query))
        if body is None:
            return self._send(404, b'{"error": "not found"}')
        content_type = "text/xml; charset=utf-8" if segs[0] == "personio" else "application/json"
        etag = _etag(body)
        if self.headers.get("If-None-Match") == etag:
            with self.server.lock:
                self.server.not_modified += 1
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        return self._send(200, body, content_type, {"ETag": etag})

    def _render(self, segs: list[str], query: dict[str, list[str]]) -> bytes | None:
        srv = self.server
        if segs[0] == "personio" and len(segs) == 3 and segs[2] == "xml" and segs[1] in srv.personio:
            if query.get("language") != ["en"]:
                return None
            return BOMB if srv.faults.get("personio") == "bomb" else personio_xml(srv.personio[segs[1]])
        if segs[0] == "bamboohr" and len(segs) >= 4 and segs[2] == "careers" and segs[1] in srv.bamboohr:
            openings = srv.bamboohr[segs[1]]
            if segs[3] == "list" and len(segs) == 4:
                return json.dumps({"meta": {"totalCount": len(openings)}, "result": [
                    {"id": o["id"], "jobOpeningName": o["title"], "departmentId": "18", "departmentLabel": "Tech",
                     "employmentStatusLabel": o.get("status", "Full-Time"),
                     "location": {"city": o["city"], "state": o.get("state")},
                     "atsLocation": {"country": o["country"], "state": o.get("state"), "province": None,
                                     "city": o["city"]},
                     "isRemote": o.get("remote") or None, "locationType": "1" if o.get("remote") else "0"}
                    for o in openings]}).encode()
            match = [o for o in openings if o["id"] == segs[3]]
            if len(segs) == 5 and segs[4] == "detail" and match and segs[3] not in srv.bamboohr_gone:
                o = match[0]
                return json.dumps({"meta": {"totalCount": 1}, "result": {"jobOpening": {
                    "jobOpeningShareUrl": f"https://{segs[1]}.bamboohr.com/careers/{o['id']}",
                    "jobOpeningName": o["title"], "departmentLabel": "Tech",
                    "employmentStatusLabel": o.get("status", "Full-Time"),
                    "location": {"city": o["city"], "state": o.get("state")},
                    "atsLocation": {"country": o["country"], "state": o.get("state"), "province": None,
                                    "city": o["city"]},
                    "description": f"<p>{escape(o['description'])}</p>", "datePosted": o.get("posted", "2026-11-10"),
                    "minimumExperience": "Experienced", "compensation": o.get("pay"),
                    "isRemote": o.get("remote") or None, "locationType": "1" if o.get("remote") else "0"}}}).encode()
            return None
        if segs[:2] == ["wday", "cxs"] and len(segs) >= 6 and (segs[2], segs[3]) in srv.workday:
            path = "/" + "/".join(segs[4:])
            match = [p for p in srv.workday[(segs[2], segs[3])] if p["path"] == path]
            if not match:
                return None
            p = match[0]
            return json.dumps({"jobPostingInfo": {
                "id": p["id"].lower(), "title": p["title"], "jobDescription": f"<p>{escape(p['description'])}</p>",
                "location": p["location"], "additionalLocations": p.get("more_locations", []),
                "postedOn": p.get("posted", "Posted 30+ Days Ago"), "startDate": p.get("start"),
                "timeType": p.get("time_type", "Full time"), "jobReqId": p["id"], "jobPostingId": path.rsplit("/")[-1],
                "jobPostingSiteId": segs[3], "country": {"descriptor": p.get("country", "Germany"), "id": "dcc5b7"},
                "canApply": p.get("can_apply", True), "posted": True, "remoteType": p.get("remote_type"),
                "externalUrl": f"https://{segs[2]}.wd5.myworkdayjobs.com/{segs[3]}{path}"},
                "hiringOrganization": {"name": p["company"], "url": ""}}).encode()
        return None

    def _send(self, status: int, body: bytes, content_type: str = "application/json",
              extra: dict[str, str] | None = None, truncate: bool = False) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        if truncate:
            self.send_header("Connection", "close")
        self.end_headers()
        if truncate:  # half the promised body, then the connection drops
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(body)
