"""A local careers site on 127.0.0.1 whose pages carry schema.org ``JobPosting`` JSON-LD.

Shapes follow https://schema.org/JobPosting (and its example for ``applicantLocationRequirements``:
``{"@type": "Country", "name": "USA"}``) and Google's job-posting structured-data guide
(https://developers.google.com/search/docs/appearance/structured-data/job-posting: ``hiringOrganization``
Organization with ``sameAs``, ``jobLocation`` Place -> PostalAddress with addressLocality/Region/Country,
``jobLocationType: "TELECOMMUTE"``, ``baseSalary`` MonetaryAmount -> QuantitativeValue with
minValue/maxValue/value and ``unitText`` HOUR/DAY/WEEK/MONTH/YEAR, ``identifier`` PropertyValue,
``datePosted``, ``validThrough``, ``employmentType`` a string or a list). The site has a careers index
(an ``@graph``), posting pages (one object, a list, an expired one, a remote one), a link loop, a dead
link, off-host links, and a second careers area with more pages than a harvest may read.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

ORG = {"@type": "Organization", "name": "Acme Robotics", "sameAs": "https://acme.example"}


def _address(locality: str, region: str, country: str) -> dict[str, Any]:
    return {"@type": "Place", "address": {"@type": "PostalAddress", "addressLocality": locality,
                                          "addressRegion": region, "addressCountry": country}}


def posting(ident: str, title: str, **extra: Any) -> dict[str, Any]:
    """A JobPosting as Google's guide shows it; ``extra`` overrides or adds properties."""
    node: dict[str, Any] = {
        "@context": "https://schema.org/", "@type": "JobPosting", "title": title,
        "description": f"<p>We are hiring a <b>{title}</b> to build robots &amp; tools.</p>",
        "identifier": {"@type": "PropertyValue", "name": "Acme Robotics", "value": ident},
        "datePosted": "2026-11-20", "hiringOrganization": ORG,
        "jobLocation": _address("Berlin", "BE", "DE"), "employmentType": "FULL_TIME",
    }
    node.update(extra)
    return node


def page(*blocks: Any, links: tuple[str, ...] = (), body: str = "") -> str:
    scripts = "".join(f'<script type="application/ld+json">{json.dumps(b, indent=1)}</script>' for b in blocks)
    anchors = "".join(f'<li><a href="{href}">{href}</a></li>' for href in links)
    return (f"<!doctype html><html><head><title>Careers</title>{scripts}"
            f'<script src="/static/app.js"></script></head><body>{body}<ul>{anchors}</ul></body></html>')


class JsonLdSite(ThreadingHTTPServer):
    """``pages`` maps a path to its HTML; a path not there answers 404. ``requests`` records every path."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.pages: dict[str, str] = {}
        self.requests: list[str] = []
        self.lock = threading.Lock()
        self._thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> JsonLdSite:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def hits(self) -> Counter[str]:
        with self.lock:
            return Counter(self.requests)


class _Handler(BaseHTTPRequestHandler):
    server: JsonLdSite

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        with self.server.lock:
            self.server.requests.append(self.path)
        html = self.server.pages.get(self.path.split("?")[0])
        body = (html or "<html><body>Not found</body></html>").encode()
        self.send_response(200 if html is not None else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def careers_site(site: JsonLdSite, elsewhere: str, *, big_pages: int = 0) -> None:
    """Fill ``site`` with the careers pages; ``elsewhere`` is another origin's base URL (never to be read)."""
    index = {"@context": "https://schema.org", "@graph": [
        {"@type": "WebSite", "name": "Acme careers", "url": f"{site.base}/careers"},
        ORG,
        posting("ACME-100", "Office Manager", url=f"{site.base}/careers#office",
                jobLocation=[_address("Hamburg", "HH", "DE"), _address("Munich", "BY", "DE")]),
    ]}
    site.pages["/careers"] = page(index, links=(
        "/careers/robotics-engineer", "/careers/data-analyst", "careers/expired-role",
        f"{site.base}/careers/remote-support", "/careers/loop", "/careers/gone",
        f"{elsewhere}/careers/other", "https://offsite.example/jobs/1", "mailto:jobs@acme.example",
        "/brochure.pdf"))
    site.pages["/careers/robotics-engineer"] = page(posting(
        "ACME-101", "Robotics Engineer", url=f"{site.base}/careers/robotics-engineer",
        baseSalary={"@type": "MonetaryAmount", "currency": "EUR",
                    "value": {"@type": "QuantitativeValue", "minValue": 5000, "maxValue": 6500, "unitText": "MONTH"}},
        validThrough="2099-12-31T23:59"), links=("/careers",))
    site.pages["/careers/data-analyst"] = page([  # a list: the posting and a breadcrumb
        posting("ACME-102", "Data Analyst", employmentType=["PART_TIME", "TEMPORARY"],
                baseSalary={"@type": "MonetaryAmount", "currency": "EUR",
                            "value": {"@type": "QuantitativeValue", "value": 52000, "unitText": "YEAR"}}),
        {"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": []}])
    site.pages["/careers/expired-role"] = page(posting("ACME-103", "Warehouse Lead", validThrough="2020-01-31"))
    site.pages["/careers/remote-support"] = page(posting(
        "ACME-104", "Support Specialist", jobLocationType="TELECOMMUTE", jobLocation=None,
        applicantLocationRequirements=[{"@type": "Country", "name": "USA"}, {"@type": "Country", "name": "Canada"}],
        employmentType="CONTRACTOR",
        baseSalary={"@type": "MonetaryAmount", "currency": "USD",
                    "value": {"@type": "QuantitativeValue", "minValue": 30, "maxValue": 45, "unitText": "HOUR"}}))
    site.pages["/careers/loop"] = page(links=("/careers", "/careers/loop", "/careers/robotics-engineer"),
                                       body="<p>More roles soon.</p>")
    if big_pages:
        site.pages["/big"] = page(links=tuple(f"/big/{i}" for i in range(big_pages)))
        for i in range(big_pages):
            site.pages[f"/big/{i}"] = page(posting(f"BIG-{i}", f"Technician {i}"), links=("/big",))
