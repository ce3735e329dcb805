"""``personio:{company}``: the open positions of a company's Personio career site, from its XML feed.

``GET {base}/xml?language=en`` answers every published position in one ``<workzag-jobs>`` document (no
paging), as Personio's "Retrieving open positions" documents it: ``id``, ``subcompany``, ``office`` (and
``additionalOffices``), ``department``, ``name``, ``jobDescriptions`` (named HTML blocks), ``employmentType``,
``seniority``, ``schedule``, ``yearsOfExperience``, ``keywords`` and ``createdAt``. The feed has no pay
element; pay stated in the text is read by the one salary parser.

The document comes from the network, so it is parsed with defusedxml: a DTD declaring entities (the
"billion laughs" bomb) or external entities is refused with one line rather than expanded.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from jobagent.errors import SourceError
from jobagent.postings.salary import read_pay
from jobagent.postings.schema import PostingData
from jobagent.postings.sources.base import HttpOptions, clean, shape_error
from jobagent.postings.sources.paging import Getter, direct_getter
from jobagent.text import html_to_text, parse_date


def _text(node: Element | None, tag: str) -> str | None:
    child = node.find(tag) if node is not None else None
    return clean("".join(child.itertext())) if child is not None else None


def parse_feed(url: str, body: bytes) -> list[Element]:
    """The ``<position>`` elements, or one line saying why the document cannot be read."""
    try:
        root = fromstring(body)
    except DefusedXmlException as exc:
        raise SourceError(f"response from {url} declares XML entities or a DTD ({type(exc).__name__}); "
                          "refused, not expanded") from None
    except ParseError as exc:
        start = " ".join(body[:40].decode("utf-8", "replace").split())
        raise SourceError(f"response from {url} is not XML ({exc}; starts with {start!r})") from None
    if root.tag != "workzag-jobs":
        raise shape_error(url, f"a <workzag-jobs> document, not <{root.tag}>")
    return root.findall("position")


class PersonioSource:
    """``personio:{company}[?company=Name]``: ``company`` is the subdomain of ``{company}.jobs.personio.de``."""

    def __init__(self, slug: str, *, http: HttpOptions, company: str | None = None, name: str | None = None):
        self.slug = slug
        self.company = company
        self.http = http
        self.name = name or f"personio:{slug}"

    def fetch(self, limit: int) -> list[PostingData]:
        return [p for page in self.harvest(direct_getter(self.http)) for p in page][:limit]

    def harvest(self, get: Getter) -> Iterator[list[PostingData]]:
        base = self.http.base("personio", self.slug)
        url = f"{base}/xml?language=en"
        yield [p for node in parse_feed(url, get(url)) if (p := self._posting(base, node))]

    def _posting(self, base: str, node: Element) -> PostingData | None:
        key, title = _text(node, "id"), _text(node, "name")
        if not key or not title:
            return None
        offices = [_text(node, "office")] + [clean("".join(o.itertext()))
                                             for o in node.findall("additionalOffices/office")]
        places = list(dict.fromkeys(o for o in offices if o))
        blocks = []
        for block in node.findall("jobDescriptions/jobDescription"):
            heading, body = _text(block, "name"), html_to_text(_raw(block.find("value")))
            blocks.append("\n".join(t for t in (heading, body) if t))
        description = "\n\n".join(b for b in blocks if b)
        kinds = [_text(node, "employmentType"), _text(node, "schedule")]
        return PostingData(
            source=self.name, external_id=key, title=title,
            url=f"https://{quote(self.slug, safe='')}.jobs.personio.de/job/{quote(key, safe='')}",
            company=self.company or _text(node, "subcompany") or self.slug,
            location="; ".join(places) or None, remote=any("remote" in p.lower() for p in places),
            employment_type=", ".join(k for k in kinds if k) or None,
            posted_at=parse_date(_text(node, "createdAt")), description=description,
            **read_pay(description=description).fields(),
        )


def _raw(node: Any) -> str:
    """The HTML of a ``<value>`` block (CDATA arrives as its text)."""
    return "".join(node.itertext()) if node is not None else ""
