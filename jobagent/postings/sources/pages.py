"""What a careers page holds for us: its JSON-LD blocks, the URLs it links or loads, and its posting nodes.

The stdlib ``html.parser`` is enough here, and we chose it over ``extruct``: we read one syntax (the
``application/ld+json`` scripts) plus the page's links and script sources, which extruct does not give;
extruct would bring lxml, rdflib, mf2py and html-text along for microdata/RDFa we do not map. The parser
never raises on broken markup, so a sloppy careers page still yields what it does hold.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

# Attributes that carry a URL a careers page links to or loads (an embed script, an iframe, a form).
_URL_ATTRS = frozenset({"href", "src", "action", "data-src", "data-url"})
MAX_DEPTH = 20  # JSON-LD nests a few levels; anything deeper is not a posting we could map


@dataclass
class PageParts:
    """The parts of one HTML page: JSON-LD blocks (raw text), absolute URLs it references, inline scripts."""

    jsonld: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)  # <a href> only: the pages a reader could go to
    scripts: list[str] = field(default_factory=list)  # inline script text (embed snippets name their board)


class _Reader(HTMLParser):
    def __init__(self, base: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base = base
        self.parts = PageParts()
        self._script: str | None = None  # "ld" or "js" while inside a <script>
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): v for k, v in attrs if v is not None}
        if tag == "base" and values.get("href"):
            self.base = urljoin(self.base, values["href"].strip())
        for key in _URL_ATTRS & values.keys():
            url = _absolute(self.base, values[key])
            if url:
                self.parts.urls.append(url)
                if tag == "a" and key == "href":
                    self.parts.links.append(url)
        if tag == "script":
            kind = (values.get("type") or "").split(";")[0].strip().lower()
            self._script = "ld" if kind == "application/ld+json" else "js"
            self._text = []

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            text = "".join(self._text).strip()
            if text:
                (self.parts.jsonld if self._script == "ld" else self.parts.scripts).append(text)
            self._script = None


def _absolute(base: str, raw: str) -> str | None:
    raw = raw.strip()
    if not raw or raw.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
        return None
    url = urldefrag(urljoin(base, raw)).url
    return url if urlsplit(url).scheme in ("http", "https") else None


def read_page(body: bytes, url: str) -> PageParts:
    """Parse ``body`` (bytes as fetched) as HTML found at ``url``."""
    reader = _Reader(url)
    reader.feed(body.decode("utf-8", "replace"))
    reader.close()
    return reader.parts


def _types(node: dict[str, Any]) -> set[str]:
    kind = node.get("@type")
    names = kind if isinstance(kind, list) else [kind]
    return {str(n).rsplit("/", 1)[-1].rsplit(":", 1)[-1] for n in names if n}


def job_postings(blocks: list[str]) -> Iterator[dict[str, Any]]:
    """Every schema.org ``JobPosting`` node in the page's JSON-LD blocks: a single object, a list of them,
    an ``@graph``, or nested in another node (an ItemList's ``itemListElement``). A block that is not JSON
    (sites hand-write these) is skipped: the other blocks still count."""
    for block in blocks:
        try:
            data = json.loads(block, strict=False)  # strict=False: raw newlines inside strings are common
        except (json.JSONDecodeError, RecursionError):
            continue
        yield from _walk(data, 0)


def _walk(node: Any, depth: int) -> Iterator[dict[str, Any]]:
    if depth > MAX_DEPTH:
        return
    if isinstance(node, list):
        for item in node:
            yield from _walk(item, depth + 1)
    elif isinstance(node, dict):
        if "JobPosting" in _types(node):
            yield node
            return
        for value in node.values():
            if isinstance(value, dict | list):
                yield from _walk(value, depth + 1)
