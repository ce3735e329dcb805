"""How well a posting's place fits where the person wants to work (issue 24 §3), resolved through
``jobagent.places`` rather than compared as text: "80797 München" and "München, Bayern" are one city, Leeds
to Bristol is 270 km, and "Remote - US only" is closed to someone in Leeds.

The fit falls with distance: the same city, then the commute radius, then the same region, then the same
country; on-site work in another country scores nothing and marks the match as *abroad*, which the matcher
discounts so it never outranks a fitting local posting. Remote work open to the person's country fits fully;
remote work closed to it is not a match at all (``exclude`` says why).
"""

from __future__ import annotations

from dataclasses import dataclass

from jobagent.places import Place, distance_km, open_to, remote_scope, resolve
from jobagent.postings.schema import PostingData
from jobagent.text import normalize

RADIUS_KM = 50.0  # the default commute radius
ANYWHERE = frozenset({"*"})  # relocate_to for someone who will move to any country
SAME_CITY_KM = 15.0  # a district or a postcode of the same city: "Leeds LS6", "Brooklyn" for New York


@dataclass(frozen=True)
class LocationFit:
    fit: float
    reason: str
    exclude: str | None = None  # not a match at all: the reason counted in filtered_out
    abroad: bool = False


def _text_city(location: str | None) -> str:
    return normalize((location or "").split(",")[0])


def read_together(wanted: str | None, where: str | None) -> tuple[Place | None, Place | None]:
    """The person's place and the posting's, each ambiguous bare name read in the other's country: a posting
    in "Valencia" for someone in "Valencia, España" is in Spain, and someone in plain "Valencia" is in the
    very Valencia of a posting in "Valencia, Spain". Names that stay apart after that are apart."""
    person = resolve(wanted)
    place = resolve(where, person.country if person else None)
    if person and place and person.country != place.country:
        again = resolve(wanted, place.country)
        d = distance_km(again, place) if again and again.is_city and place.is_city else None
        if again and d is not None and d <= SAME_CITY_KM:
            person = again
    return person, place


def same_city(a: str | None, b: str | None) -> bool:
    """The same city: resolved places within a district of each other, else the text before the first comma."""
    pa, pb = read_together(a, b)
    if pa and pb and pa.is_city and pb.is_city:
        d = distance_km(pa, pb)
        return d is not None and d <= SAME_CITY_KM
    x, y = _text_city(a), _text_city(b)
    return bool(x and y) and (x == y or x in y.split() or y in x.split())


def _is_remote(posting: PostingData) -> bool:
    return posting.remote or "remote" in (posting.location or "").lower() or bool(posting.remote_scope)


_SCOPE_WORDS = ("remote", "only", "homeoffice", "home office", "telework", "anywhere", "thuiswerk", "teletra")


def _remote_fit(posting: PostingData, person: Place | None, wanted: str | None) -> LocationFit:
    location = posting.location or ""
    if not posting.remote_scope and location and not any(w in location.lower() for w in _SCOPE_WORDS):
        # A remote posting that names only a city names the employer's base, not who may work for it.
        return LocationFit(0.8, f"remote posting (based in {location})")
    scope_text = posting.remote_scope or location
    scope = remote_scope(scope_text)
    fits = open_to(scope, person.country if person else None)
    if fits is False:
        return LocationFit(0.0, f"remote, but only for {scope_text}; wanted {wanted}",
                           exclude="remote, but not open to the person's country")
    if fits:
        return LocationFit(1.0, f"remote posting open to {person.country if person else wanted}: {scope_text}")
    return LocationFit(0.8, f"remote posting: {scope_text}" if scope_text else "remote posting")


# Reason counted in filtered_out when the person gave no location: only remote work open to anywhere is judged.
REASON_NO_LOCATION = "on site or remote for some countries only, and the person gave no location"


def location_fit(posting: PostingData, wanted: str | None, *, radius_km: float = RADIUS_KM,
                 relocate_to: frozenset[str] | None = None) -> LocationFit:
    """``relocate_to``: the countries the person will move to (``ANYWHERE`` for any); None when they will
    not, so on-site work abroad is discounted."""
    person = resolve(wanted)
    no_location = not wanted or not wanted.strip()
    if _is_remote(posting):
        fit = _remote_fit(posting, person, wanted)
        if no_location and fit.reason.startswith("remote posting:") and \
                remote_scope(posting.remote_scope or posting.location) is not None:
            return LocationFit(0.0, fit.reason, exclude=REASON_NO_LOCATION)  # open to some countries only
        return fit
    where = posting.location
    if no_location:
        return LocationFit(0.0, f"in {where or 'an unstated location'}; no location given",
                           exclude=REASON_NO_LOCATION)
    if not where:
        return LocationFit(0.5, f"location not stated; wanted {wanted}")
    person, place = read_together(wanted, where)
    if person is None or place is None:
        if same_city(where, wanted):
            return LocationFit(1.0, f"in {where}, matching {wanted}")
        return LocationFit(0.25, f"in {where}: place unknown, compared as text with {wanted}")
    if person.country != place.country:
        if relocate_to is None or not (relocate_to == ANYWHERE or place.country in relocate_to):
            return LocationFit(0.0, f"in {where}: another country than {wanted}, and on site", abroad=True)
        # The person will move there: the posting scores like one elsewhere in their own country.
        return LocationFit(0.35, f"in {where}: abroad, where the person will relocate")
    d = distance_km(place, person)
    if d is not None and d <= min(SAME_CITY_KM, radius_km):  # a 10 km radius makes a town 13 km off not "here"
        return LocationFit(1.0, f"in {where}, matching {wanted}")
    if d is not None and d <= radius_km:
        return LocationFit(0.85, f"in {where}, {d:.0f} km from {wanted}")
    km = f", {d:.0f} km away" if d is not None else ""
    if place.region and place.region == person.region:
        return LocationFit(0.5, f"in {where}: same region as {wanted}{km}")
    return LocationFit(0.35, f"in {where}: same country as {wanted}{km}")
