"""Which country a location names and which region it lies in, so "remote in the profile's country or
region" can rank above remote work tied to somewhere else. Small on purpose: the countries job feeds name
most, and the region words they use ("EU", "EMEA", "North America")."""

from __future__ import annotations

import re

_REGION_OF: dict[str, set[str]] = {}
_GROUPS = {
    "europe": ("germany netherlands uk united kingdom england scotland ireland france spain portugal italy austria "
               "switzerland belgium luxembourg denmark sweden norway finland poland czechia czech republic "
               "hungary romania greece estonia latvia lithuania croatia slovenia slovakia bulgaria"),
    "north america": "usa us united states canada mexico",
    "oceania": "australia new zealand",
    "asia": "india singapore japan china south korea vietnam philippines indonesia malaysia thailand",
    "latin america": "brazil argentina chile colombia peru mexico uruguay",
}
_MULTI = {"united kingdom", "united states", "czech republic", "new zealand", "south korea"}
_ALIASES = {"eu": "europe", "emea": "europe", "european union": "europe", "americas": "north america",
            "latam": "latin america", "apac": "asia"}
for region, names in _GROUPS.items():
    text = names
    for multi in _MULTI:
        if multi in text:
            _REGION_OF.setdefault(multi, set()).add(region)
            text = text.replace(multi, " ")
    for name in text.split():
        _REGION_OF.setdefault(name, set()).add(region)


def _words(text: str) -> str:
    return " " + " ".join(re.sub(r"[^a-z]+", " ", text.lower()).split()) + " "


def places(text: str | None) -> tuple[set[str], set[str]]:
    """(countries, regions) a location text names."""
    words = _words(text or "")
    countries = {name for name in _REGION_OF if f" {name} " in words}
    regions = {r for r in _GROUPS if f" {r} " in words} | {r for a, r in _ALIASES.items() if f" {a} " in words}
    return countries, regions


def remote_fits(posting_location: str | None, wanted: str | None) -> bool | None:
    """For a remote posting: True if it is open to the wanted place's country or region, False if it is tied
    to somewhere else, None when either side names no place we know."""
    if not posting_location or not wanted:
        return None
    countries, regions = places(posting_location)
    if not countries and not regions:  # "Remote", "Anywhere", or a place we do not know
        return None
    want_countries, _ = places(wanted.split(",")[-1])
    if not want_countries:
        return None
    want_regions = set().union(*(_REGION_OF[c] for c in want_countries))
    return bool(countries & want_countries or regions & want_regions)
