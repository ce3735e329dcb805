"""A local server on 127.0.0.1 answering as Ashby, Workable, SmartRecruiters and Recruitee do, for the
harvest tests of those sources: the vendors' own field names and nesting, request counting, ETag/304 on the
one-response boards, and switchable faults (truncated JSON, an HTML page, 500, a page loop).

Where the shapes come from (read through the ``search`` tool; no vendor host is contacted):

- Ashby: the public job posting API, ``GET /posting-api/job-board/{board}?includeCompensation=true`` ->
  ``{"apiVersion": "1", "jobs": [...]}``, no paging, 404 for an unknown board, job keys ``id, title,
  department, team, employmentType, location, secondaryLocations[{location, address}], address.postalAddress
  {addressLocality, addressRegion, addressCountry}, isRemote, workplaceType, publishedAt, isListed, jobUrl,
  applyUrl, descriptionHtml, descriptionPlain, shouldDisplayCompensationOnJobPostings, compensation
  {compensationTierSummary, scrapeableCompensationSalarySummary, compensationTiers[{components}],
  summaryComponents[{compensationType, interval "1 YEAR", currencyCode, minValue, maxValue}]}`` (the DEV
  article "Ashby's public job posting API: what one request returns", and public clients' JobSchema tests).
- Workable: the careers widget API, ``GET /api/v1/widget/accounts/{account}?details=true`` -> ``{"name",
  "description", "jobs": [{title, shortcode, code, employment_type, telecommuting, department, url,
  shortlink, application_url, published_on, created_at, country, city, state, locations[{country,
  countryCode, city, region, hidden}], description}]}``, and one row per location under one shortcode (a
  public board-sync test: "charlotte-tilbury lists 301 rows for 270 jobs"; another client: "CloudLinux 14
  postings in 77 rows with one url").
- SmartRecruiters: the Posting API, ``GET /v1/companies/{company}/postings?limit=100&offset=N`` -> ``{"offset",
  "limit", "totalFound", "content": [{id, name, uuid, refNumber, company{identifier, name}, releasedDate,
  location{city, region, country, remote, fullLocation}, typeOfEmployment{id, label}, experienceLevel, ref}]}``
  and ``/postings/{id}`` adding ``postingUrl, applyUrl, jobAd.sections{companyDescription, jobDescription,
  qualifications, additionalInformation: {title, text}}`` (public clients' list+detail tests); an unknown
  company is answered 200 with ``totalFound: 0`` (clients test ``not d.get("totalFound")`` for that).
- Recruitee: the careers-site API, ``GET https://{company}.recruitee.com/api/offers/`` -> ``{"offers": [{id,
  slug, title, status, description, requirements, location, city, country, country_code, remote, hybrid,
  on_site, careers_url, careers_apply_url, company_name, created_at, published_at, close_at,
  employment_type_code, locations, salary{min, max, currency, period}}]}``, the salary figures as strings
  (a public client's fixture: ``{"min": "70000", "max": "80000", "period": "month", "currency": "CZK"}``).

ETags: the three one-response boards get a strong ETag and answer ``If-None-Match`` with 304, which is what
the harvest's conditional request relies on; SmartRecruiters is paged and detail-read, and the harvest
fetches paged sources in full, so it gets none here.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

SR_LIST_KEYS = ("id", "name", "uuid", "refNumber", "company", "releasedDate", "location", "industry",
                "department", "function", "typeOfEmployment", "experienceLevel", "language", "ref")


class AtsBoards(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.ashby: dict[str, list[dict[str, Any]]] = {}  # board -> jobs
        self.workable: dict[str, dict[str, Any]] = {}  # account -> {"name", "description", "jobs"}
        self.smartrecruiters: dict[str, list[dict[str, Any]]] = {}  # company -> postings in the detail shape
        self.sr_gone: set[str] = set()  # posting ids whose detail answers 404
        self.recruitee: dict[str, list[dict[str, Any]]] = {}  # company -> offers
        # "ashby:acme" | "smartrecruiters:acme" ... -> "truncated" | "html" | "500" | "loop" (SR: always page 1)
        self.faults: dict[str, str] = {}
        self.requests: list[str] = []
        self.not_modified = 0
        self.lock = threading.Lock()
        self._thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> AtsBoards:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def base_urls(self) -> dict[str, str]:
        """JOBAGENT_SOURCE_BASE_URLS for these sources; Recruitee's per-company host becomes a path."""
        return {"ashby": self.base, "workable": self.base, "smartrecruiters": self.base,
                "recruitee": f"{self.base}/recruitee/{{company}}"}

    def hits(self) -> Counter[str]:
        with self.lock:
            return Counter(urlsplit(r).path for r in self.requests)

    def count(self) -> int:
        with self.lock:
            return len(self.requests)


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha1(body).hexdigest()[:16] + '"'


class _Handler(BaseHTTPRequestHandler):
    server: AtsBoards

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        parts = urlsplit(self.path)
        with self.server.lock:
            self.server.requests.append(self.path)
        segs = [unquote(s) for s in parts.path.strip("/").split("/")]
        query = parse_qs(parts.query)
        routed = self._route(segs, query)
        if routed is None:
            return self._send(404, b'{"message": "Not Found"}')
        key, status, body, etag = routed
        fault = self.server.faults.get(key)
        if fault == "truncated":
            return self._send(200, body[: len(body) // 2])
        if fault == "html":
            return self._send(200, b"<!DOCTYPE html><html><body>We'll be right back</body></html>", "text/html")
        if fault == "500":
            return self._send(500, b'{"message": "Internal Server Error"}')
        if etag:
            tag = _etag(body)
            if self.headers.get("If-None-Match") == tag:
                with self.server.lock:
                    self.server.not_modified += 1
                self.send_response(304)
                self.send_header("ETag", tag)
                self.end_headers()
                return None
            return self._send(status, body, extra={"ETag": tag})
        return self._send(status, body)

    def _route(self, segs: list[str], query: dict[str, list[str]]) -> tuple[str, int, bytes, bool] | None:
        srv = self.server
        if segs[:2] == ["posting-api", "job-board"] and len(segs) == 3 and segs[2] in srv.ashby:
            return f"ashby:{segs[2]}", 200, _dump({"apiVersion": "1", "jobs": srv.ashby[segs[2]]}), True
        if segs[:4] == ["api", "v1", "widget", "accounts"] and len(segs) == 5 and segs[4] in srv.workable:
            account = srv.workable[segs[4]]
            jobs = account["jobs"] if query.get("details") == ["true"] else [
                {k: v for k, v in job.items() if k != "description"} for job in account["jobs"]]
            return f"workable:{segs[4]}", 200, _dump({**account, "jobs": jobs}), True
        if segs[:2] == ["v1", "companies"] and len(segs) >= 4 and segs[3] == "postings":
            return self._smartrecruiters(segs, query)
        if segs[0] == "recruitee" and len(segs) == 4 and segs[2:] == ["api", "offers"] and segs[1] in srv.recruitee:
            return f"recruitee:{segs[1]}", 200, _dump({"offers": srv.recruitee[segs[1]]}), True
        return None

    def _smartrecruiters(self, segs: list[str], query: dict[str, list[str]]
                         ) -> tuple[str, int, bytes, bool] | None:
        srv = self.server
        company, key = segs[2], f"smartrecruiters:{segs[2]}"
        postings = srv.smartrecruiters.get(company, [])  # an unknown company: 200 and nothing, as the real API
        if len(segs) == 5:
            found = [p for p in postings if p["id"] == segs[4] and p["id"] not in srv.sr_gone]
            if not found:
                return key, 404, _dump({"code": "NOT_FOUND", "message": "Job posting not found"}), False
            return key + ":detail", 200, _dump(found[0]), False
        limit = min(int(query.get("limit", ["10"])[0]), 100)
        offset = 0 if srv.faults.get(key) == "loop" else int(query.get("offset", ["0"])[0])
        content = [{k: p[k] for k in SR_LIST_KEYS if k in p} for p in postings[offset:offset + limit]]
        page = {"offset": offset, "limit": limit, "totalFound": len(postings), "content": content}
        return key, 200, _dump(page), False

    def _send(self, status: int, body: bytes, content_type: str = "application/json",
              extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)


def _dump(data: Any) -> bytes:
    return json.dumps(data).encode()


# --- postings in each vendor's shape --------------------------------------------------------------------


def ashby_job(n: int, title: str, *, description: str = "", listed: bool = True, remote: bool = False,
              country: str = "Germany", city: str = "Berlin", employment: str = "FullTime",
              salary: tuple[float, float, str, str] | None = None, summary: str | None = None) -> dict[str, Any]:
    """One job as the posting API sends it; ``salary`` is (min, max, currency, interval such as "1 YEAR")."""
    components = [] if salary is None else [
        {"id": f"c{n}", "summary": summary or "", "compensationType": "Salary", "interval": salary[3],
         "currencyCode": salary[2], "minValue": salary[0], "maxValue": salary[1]},
        {"id": f"e{n}", "summary": "Offers Equity", "compensationType": "EquityPercentage", "interval": "NONE",
         "currencyCode": None, "minValue": None, "maxValue": None}]
    return {
        "id": f"ab-{n:04d}", "title": title, "department": "Engineering", "team": "Platform",
        "employmentType": employment, "location": "Remote" if remote else city,
        "secondaryLocations": [{"location": "Hamburg", "address": {"postalAddress": {
            "addressLocality": "Hamburg", "addressCountry": country}}}] if n % 2 else [],
        "address": {"postalAddress": {"addressLocality": city, "addressRegion": city, "addressCountry": country}},
        "isRemote": remote, "workplaceType": "Remote" if remote else "OnSite",
        "publishedAt": "2026-11-20T09:30:00.000+00:00", "isListed": listed,
        "jobUrl": f"https://jobs.ashbyhq.com/acme/ab-{n:04d}",
        "applyUrl": f"https://jobs.ashbyhq.com/acme/ab-{n:04d}/application",
        "descriptionHtml": f"<p>{description}</p>", "descriptionPlain": description,
        "shouldDisplayCompensationOnJobPostings": salary is not None or summary is not None,
        "compensation": {"compensationTierSummary": summary, "scrapeableCompensationSalarySummary": summary,
                         "compensationTiers": [{"id": f"t{n}", "title": "Tier", "tierSummary": summary,
                                                "components": components}] if components else [],
                         "summaryComponents": components},
    }


def workable_rows(code: str, title: str, spots: list[tuple[str, str, str, str]], *, description: str = "",
                  remote: bool = False, employment: str = "Full-time") -> list[dict[str, Any]]:
    """The rows the widget lists for one posting: one per (city, region, country, countryCode), all with
    the same shortcode and URL, each carrying its own location at the top and in ``locations``."""
    return [{
        "title": title, "shortcode": code, "code": "", "employment_type": employment, "telecommuting": remote,
        "department": "Engineering", "url": f"https://apply.workable.com/j/{code}",
        "shortlink": f"https://apply.workable.com/j/{code}", "application_url": f"https://apply.workable.com/j/{code}/apply",
        "published_on": "2026-11-18", "created_at": "2026-11-17", "country": country, "city": city, "state": region,
        "education": "", "experience": "Mid-Senior level", "function": "Engineering", "industry": "Software",
        "locations": [{"country": country, "countryCode": cc, "city": city, "region": region, "hidden": False}],
        "description": f"<p>{description}</p>",
    } for city, region, country, cc in spots]


def sr_posting(n: int, title: str, *, description: str = "", company: str = "Acme Corp",
               remote: bool = False, employment: str = "Full-time") -> dict[str, Any]:
    """A posting in the detail shape; the list answer is cut from it (``SR_LIST_KEYS``)."""
    pid = f"7440001{n:05d}"
    return {
        "id": pid, "name": title, "uuid": f"uuid-{n}", "refNumber": f"REF{n}",
        "company": {"identifier": "AcmeCorp", "name": company}, "releasedDate": "2026-11-19T08:00:00.000Z",
        "location": {"city": "Munich", "region": "Bavaria", "country": "de", "remote": remote,
                     "fullLocation": "Munich, Bavaria, Germany"},
        "industry": {"id": "computer_software", "label": "Computer Software"},
        "department": {"id": "1", "label": "Engineering"}, "function": {"id": "engineering", "label": "Engineering"},
        "typeOfEmployment": {"id": "permanent", "label": employment},
        "experienceLevel": {"id": "mid_senior_level", "label": "Mid-Senior Level"},
        "language": {"code": "en", "label": "English", "labelNative": "English (US)"},
        "ref": f"https://api.smartrecruiters.com/v1/companies/AcmeCorp/postings/{pid}",
        "postingUrl": f"https://jobs.smartrecruiters.com/AcmeCorp/{pid}-{title.lower().replace(' ', '-')}",
        "applyUrl": f"https://jobs.smartrecruiters.com/AcmeCorp/{pid}?oga=true",
        "jobAd": {"sections": {
            "companyDescription": {"title": "Company Description", "text": "<p>Acme builds machines.</p>"},
            "jobDescription": {"title": "Job Description", "text": f"<p>{description}</p>"},
            "qualifications": {"title": "Qualifications", "text": "<ul><li>Five years of practice</li></ul>"},
            "additionalInformation": {"title": "Additional Information", "text": "<p>Hybrid work.</p>"}}},
    }


def recruitee_offer(n: int, title: str, *, description: str = "", status: str = "published",
                    salary: dict[str, Any] | None = None, employment: str = "fulltime_permanent",
                    remote: bool = False, close_at: str | None = None) -> dict[str, Any]:
    slug = title.lower().replace(" ", "-")
    return {
        "id": 1000 + n, "slug": slug, "title": title, "status": status, "position": n,
        "description": f"<p>{description}</p>", "requirements": "<ul><li>Czech or English</li></ul>",
        "location": "Prague, Czechia", "city": "Prague", "country": "Czechia", "country_code": "CZ",
        "remote": remote, "hybrid": False, "on_site": not remote,
        "careers_url": f"https://strv.recruitee.com/o/{slug}", "careers_apply_url": f"https://strv.recruitee.com/o/{slug}/c/new",
        "company_name": "STRV", "department": "Design", "created_at": "2026-11-10 10:00:00 UTC",
        "published_at": "2026-11-12 13:11:16 UTC", "close_at": close_at, "employment_type_code": employment,
        "category_code": "design", "experience_code": "mid_level", "education_code": "bachelor_degree",
        "min_hours": 40, "max_hours": 40, "tags": [],
        "locations": [{"id": 1, "city": "Prague", "state": "Prague", "country": "Czechia", "country_code": "CZ"}],
        "salary": salary,
    }
