"""``jobspy:SITE``: Indeed, LinkedIn, Glassdoor and Google Jobs through python-jobspy (issue 27 §4). Opt in.

Off unless configured (``JOBAGENT_SOURCES=jobspy:indeed`` or ``jobagent sources add jobspy:indeed``), and
behind an extra (``pip install 'jobagent[aggregators]'``): the core never imports the library (it pulls
pandas and numpy); this module imports it only when a harvest or a check runs, and says how to install it
when it is missing. The sites' terms forbid or restrict automated access; README "Aggregators" says so.

How a harvest asks the site (``harvest(get)``), still "harvest once, search many":

- the search terms are the stored profiles' suggested titles x locations (``jobspy_terms``), not one query
  per job search, so the calls do not grow with the number of searches;
- each call holds the harvest's pacing slot of the site's host (``get.slot(host)``), the one-request-at-a-time
  gate every other source uses, so two jobspy sources, or a check, never ask one site at once;
- each query is one page; postings seen by two queries are kept once; ``results_wanted`` per query and the
  query cap bound what one harvest can bring;
- the library reports a blocked or failing site in ``DataFrame.attrs["errors"]`` (1.4: "boards log failures
  instead of raising") or, in older releases, raises. Either is a transient ``AggregatorUnavailable``: the
  harvest fails (nothing written, nothing closed) or, after some queries worked, is cut short (what was read
  kept, nothing closed). A ``ValueError`` (the library refusing an argument, e.g. a country) is permanent;
- search results are a sample of a site, not its whole board: unless ``JOBAGENT_JOBSPY_CLOSE_MISSING`` is
  on, every harvest ends cut short, so a posting missing from today's results is not closed by absence.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any

from jobagent.errors import FetchUnavailable, InputError
from jobagent.postings.schema import PostingData
from jobagent.postings.sources.base import HttpOptions, SourceError
from jobagent.postings.sources.jobspy_rows import posting_from_row, records
from jobagent.postings.sources.jobspy_terms import Query, stored_queries
from jobagent.postings.sources.paging import CutShort, Getter
from jobagent.text import normalize

log = logging.getLogger(__name__)

INSTALL_HINT = "pip install 'jobagent[aggregators]'"
# The host each site's scraper asks (python-jobspy 1.4.1: jobspy/indeed/__init__.py api_url,
# jobspy/linkedin/__init__.py base_url, jobspy/glassdoor (www.glassdoor.com for the US), jobspy/google).
SITE_HOSTS = {"indeed": "apis.indeed.com", "linkedin": "www.linkedin.com", "glassdoor": "www.glassdoor.com",
              "google": "www.google.com"}
SITES = tuple(SITE_HOSTS)
_COUNTRY_NAMES = {"US": "usa", "GB": "uk"}  # jobspy's Country values that are not the country's common name
_ANYWHERE = frozenset({"remote", "anywhere", "worldwide", "remote only", "fully remote"})  # a profile's "place"

# The boundary with the library: None imports ``jobspy.scrape_jobs`` at first use. Tests set a recorder here.
scrape_jobs: Callable[..., Any] | None = None

Slot = Callable[[str], AbstractContextManager[Any]]


class AggregatorsMissing(InputError):
    """python-jobspy is not installed: the operator must install the extra (exit 3, not retried)."""


class AggregatorUnavailable(FetchUnavailable):
    """The site did not answer the library usefully (blocked, 429, network): another harvest may work."""


class AggregatorRefused(SourceError):
    """The library refused what it was asked (an argument it does not accept): retrying cannot help."""


def _library() -> tuple[Callable[..., Any], frozenset[str]]:
    """``scrape_jobs`` and the country names Indeed/Glassdoor accept (empty: not known, not checked)."""
    if scrape_jobs is not None:
        return scrape_jobs, frozenset()
    try:
        import jobspy  # type: ignore[import-not-found,unused-ignore]
    except ImportError as exc:
        raise AggregatorsMissing(f"jobspy sources need the python-jobspy library ({exc}): {INSTALL_HINT}") from None
    countries = frozenset(str(v).split(",")[0].strip() for v in
                          (getattr(c, "value", "") for c in getattr(jobspy, "Country", ()) or ())
                          if isinstance(v, str))
    return jobspy.scrape_jobs, countries


def _country(location: str | None, default: str, known: frozenset[str]) -> str:
    """Indeed's and Glassdoor's country for a place ("Berlin" -> "germany"), else the configured default."""
    from jobagent.places import resolve

    place = resolve(location)
    if place is None:
        return default
    import pycountry

    found = pycountry.countries.get(alpha_2=place.country)
    name = _COUNTRY_NAMES.get(place.country) or (str(getattr(found, "name", "")).lower() if found else "")
    return name if name and (not known or name in known) else default


def _line(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class JobSpySource:
    """``jobspy:{site}``: one aggregator site, searched for what the stored profiles want."""

    def __init__(self, site: str, *, http: HttpOptions, name: str | None = None, max_queries: int = 10,
                 results_wanted: int = 50, hours_old: int = 72, country: str = "usa", close_missing: bool = False,
                 queries: Callable[[int], list[Query]] | None = None) -> None:
        site = site.strip().lower()
        if site not in SITE_HOSTS:
            raise InputError(f"unknown jobspy site {site!r}; use one of {', '.join(SITES)} (e.g. jobspy:indeed)")
        self.site = site
        self.host = SITE_HOSTS[site]
        self.http = http  # the harvest builds its page getter from it; jobspy itself makes the requests
        self.name = name or f"jobspy:{site}"
        self.max_queries, self.results_wanted = max_queries, results_wanted
        self.hours_old, self.country, self.close_missing = hours_old, country.strip().lower() or "usa", close_missing
        self._queries = queries or stored_queries

    def fetch(self, limit: int) -> list[PostingData]:
        raise SourceError(f"{self.name} is read by the harvest only (it paces the site): run jobagent harvest")

    def queries(self) -> list[Query]:
        return self._queries(self.max_queries)

    def harvest(self, get: Getter) -> Iterator[list[PostingData]]:
        """One page per query, each call inside the site host's pacing slot; see the module docstring."""
        slot: Slot | None = getattr(get, "slot", None)
        if slot is None:
            raise SourceError(f"{self.name}: this getter has no pacing slot; jobspy sources run in the harvest")
        scrape, countries = _library()
        queries = self.queries()
        if not queries:
            raise CutShort(f"{self.name}: no stored profile has suggested titles yet, so there is nothing to search")
        seen: set[str] = set()
        for done, query in enumerate(queries):
            try:
                rows, failed = self._ask(scrape, slot, query, countries, self.results_wanted)
            except AggregatorUnavailable as exc:
                if done == 0:
                    raise
                raise CutShort(f"{exc} (after {done} of {len(queries)} searches; nothing closed)") from None
            page = []
            for row in rows:
                posting = posting_from_row(row, source=self.name, site=self.site)
                if posting is not None and posting.external_id not in seen:
                    seen.add(posting.external_id)
                    page.append(posting)
            yield page
            if failed:  # the site stopped half-way through (LinkedIn's 429 after some pages): keep what came
                raise CutShort(f"{failed} (with {len(rows)} results; nothing closed)")
        if not self.close_missing:
            raise CutShort(f"{self.name}: {len(queries)} searches read; search results are a sample of the site, "
                           "so nothing is closed by absence (JOBAGENT_JOBSPY_CLOSE_MISSING)")

    def check(self, slot: Slot) -> int:
        """What ``sources add`` asks: the library is installed, and one paced search of the first query (one
        result) answers. No stored profile yet: nothing to search, nothing asked."""
        scrape, countries = _library()
        queries = self.queries()
        if not queries:
            return 0
        rows, failed = self._ask(scrape, slot, queries[0], countries, 1)
        if failed:
            raise AggregatorUnavailable(failed, url=f"https://{self.host}/")
        return len(rows)

    def _ask(self, scrape: Callable[..., Any], slot: Slot, query: Query, countries: frozenset[str],
             wanted: int) -> tuple[list[dict[str, Any]], str | None]:
        """The rows of one paced call and the site's failure, if the library reported one. A failure with no
        rows at all raises ``AggregatorUnavailable``."""
        where = f" in {query.location}" if query.location else ""
        asked = f"{self.name}: search {query.term!r}{where}"
        remote = normalize(query.location or "") in _ANYWHERE  # "Remote" is no place to search in, but a filter
        arguments: dict[str, Any] = {
            "site_name": [self.site], "search_term": query.term, "location": None if remote else query.location,
            "is_remote": remote,
            "results_wanted": wanted, "hours_old": self.hours_old or None, "description_format": "markdown",
            "verbose": 0,
        }
        if self.site in ("indeed", "glassdoor"):
            arguments["country_indeed"] = _country(query.location, self.country, countries)
        if self.site == "google":  # Google Jobs reads its own phrasing (jobspy's README)
            arguments["google_search_term"] = (f"remote {query.term} jobs" if remote else
                                               f"{query.term} jobs near {query.location}" if query.location else
                                               f"{query.term} jobs")
        with slot(self.host):
            try:
                frame = scrape(**arguments)
            except ValueError as exc:
                raise AggregatorRefused(f"{asked}: the library refused it: {_line(exc)}") from None
            except Exception as exc:  # noqa: BLE001 - blocked, 429, a dropped connection: the site, not us
                raise AggregatorUnavailable(f"{asked}: {_line(exc)}", url=f"https://{self.host}/") from exc
        attrs = getattr(frame, "attrs", None)
        errors = attrs.get("errors") if isinstance(attrs, dict) else None
        error = errors.get(self.site) if isinstance(errors, dict) else None
        failed = f"{asked}: {self.site} failed: {str(error).splitlines()[0]}" if error else None
        rows = records(frame)
        if failed and not rows:
            raise AggregatorUnavailable(failed, url=f"https://{self.host}/")
        log.info("%s: %d results%s", asked, len(rows), f" ({failed})" if failed else "")
        return rows, failed
