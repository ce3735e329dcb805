"""What a job search asks for, checked: the one place that turns a query, a profile and limits into a spec.

Both the core API (``jobagent.api.runs``, behind every face) and the daily fan-out (``jobagent.daily_search``,
run by the scheduler) build search submissions, so the rules live here, below both: the fan-out must not
import the face-facing API layer. Messages name fields (``max_screening``), never CLI flags or HTTP details.
"""

from __future__ import annotations

from typing import Any

from jobagent.errors import InvalidInput
from jobagent.limits import MAX_LOCATION, MAX_QUERY, folded_length
from jobagent.store.models import UserProfile
from jobagent.submission import SubmissionSpec, _queue_for
from jobagent.text import words

MAX_RESULTS = 1000
MAX_RADIUS_KM = 20_000.0  # half the earth's circumference: any distance on the map


def check_radius(radius_km: float) -> float:
    """The commute radius in km: a positive, finite distance (NaN and infinity are no distance)."""
    import math

    if not math.isfinite(radius_km) or not 0 < radius_km <= MAX_RADIUS_KM:
        raise InvalidInput(f"radius_km must be a positive distance up to {MAX_RADIUS_KM:,.0f} km, not {radius_km}")
    return float(radius_km)


def check_letter_language(code: str) -> str:
    """One of the six languages letters are written in, else an input error naming the field."""
    from jobagent.languages import SUPPORTED

    if code not in SUPPORTED:
        raise InvalidInput(f"letter_language must be one of {', '.join(SUPPORTED)}, not {code[:20]!r}")
    return code


def check_filters(filters: dict[str, Any] | None) -> dict[str, Any]:
    """The posting filters as stored (defaults dropped); the first bad field refuses them all."""
    if not filters:  # the common case, and the daily fan-out's: nothing to validate
        return {}
    from pydantic import ValidationError

    from jobagent.postings.filters import PostingFilters

    try:
        return PostingFilters.model_validate(filters or {}).model_dump(exclude_defaults=True)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InvalidInput(f"invalid filter {'.'.join(map(str, first['loc']))}: {first['msg']}") from None


def search_spec(query: str, location: str | None, profile: UserProfile | None, num_results: int,
                max_screening: int, priority: str | None, sources: list[str] | None,
                filters: dict[str, Any] | None = None, radius_km: float | None = None,
                owner: str | None = None, letter_language: str | None = None) -> SubmissionSpec:
    """A checked job-search submission; the location falls back to the profile's. A search for a profile
    belongs to the profile's owner (so its owner sees it, whoever started it); any other to ``owner``."""
    query = " ".join(query.split())
    if not query:
        raise InvalidInput("query is required")
    if folded_length(query) > MAX_QUERY:  # the column's limit, checked before anything is written
        raise InvalidInput(f"query is longer than {MAX_QUERY} characters: {query[:40]}...")
    if not words(query):  # "!!!" or "—": a search for nothing would answer with a silent empty result
        raise InvalidInput(f"query {query[:60]!r} has no letters or digits to search for")
    if not 1 <= num_results <= MAX_RESULTS:
        raise InvalidInput(f"num_results must be between 1 and {MAX_RESULTS}")
    if not 1 <= max_screening <= num_results:
        raise InvalidInput("max_screening must be between 1 and num_results")
    location = location or (profile.location if profile else None)
    if not location and profile is None:  # a profile without one still searches remote-anywhere postings
        raise InvalidInput("location is required (give one, or a profile with a location)")
    if location and len(location) > MAX_LOCATION:
        raise InvalidInput(f"location is longer than {MAX_LOCATION} characters")
    context: dict[str, Any] = {"query": query, "location": location, "profile_id": profile.id if profile else None,
               "num_results": num_results, "max_screening": max_screening, "sources": sources,
               "filters": check_filters(filters)}
    if radius_km is not None:  # only when given, so the context (and its dedup key) of other searches is as before
        context["radius_km"] = check_radius(radius_km)
    if letter_language is not None:  # issue 25 §6: letters in this language instead of the posting's
        context["letter_language"] = check_letter_language(letter_language)
    return SubmissionSpec("job_search", _queue_for(priority, bool(profile and profile.premium)), context,
                          profile_id=profile.id if profile else None, query=query, location=location,
                          owner=profile.owner if profile else owner)
