"""What a run warns about the person's place (issue 24 §3, "bad input"): a search is never refused or
silently narrowed because of it.

No location: only remote postings open to anywhere can be judged, so the run says so and names the edit
that fixes it. A place the gazetteer does not know (a village, a typo): the search compares it as text, and
the run says it could not be placed, with near spellings from the gazetteer.
"""

from __future__ import annotations

from jobagent.places import resolve, suggest
from jobagent.text import normalize

# Locations that mean "remote work", not a place to resolve.
_REMOTE_WORDS = frozenset({"remote", "anywhere", "worldwide", "home office", "homeoffice", "work from home"})


def place_warnings(location: str | None, profile_id: str | None) -> list[str]:
    if not location or not location.strip():
        target = profile_id or "PROFILE_ID"
        return ["no location: only remote postings open to anywhere were considered; set one with "
                f"`jobagent profile edit {target} --location CITY`"]
    if normalize(location) in _REMOTE_WORDS or resolve(location) is not None:
        return []
    near = suggest(location)
    hint = f"; did you mean {' or '.join(near)}?" if near else ""
    return [f"could not place {location!r} on the map: it is compared as text with postings' locations{hint}"]
