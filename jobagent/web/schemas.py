"""Request bodies of the HTTP shim.

Strict pydantic models with ``extra="forbid"``: a typo in a field name or a string where a number belongs is
refused (422) instead of being silently ignored or coerced, which is what a JSON API's clients need to
find their own bugs. Domain rules (a valid e-mail, a refused URL, a known profile) stay in the core API
(``jobagent.api``) so the CLI and the shim cannot drift apart.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from jobagent.limits import MAX_LOCATION, MAX_QUERY


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, str_max_length=10_000)


class ProfilingRequest(_Body):
    name: str = Field(min_length=1, max_length=200)
    email: str = Field(min_length=3, max_length=320)
    cv_urls: list[str] = Field(min_length=1, max_length=10)
    location: str | None = Field(default=None, max_length=MAX_LOCATION)
    premium: bool = False


class SearchFilters(_Body):
    """The CLI's search filters (``--exclude-company``, ``--type``, ``--min-salary``, ...) over HTTP; the core
    API checks their values (an unknown employment type is a 400 naming it) and merges them with the
    profile's standing filters, which a search can tighten but never loosen."""

    company_blocklist: list[str] = Field(default_factory=list, max_length=100)
    title_exclusions: list[str] = Field(default_factory=list, max_length=100)
    remote_only: bool = False
    max_age_days: int | None = Field(default=None, ge=0, le=3650)
    min_salary: float | None = Field(default=None, ge=0, allow_inf_nan=False)  # annual, like --min-salary
    employment_types: list[str] = Field(default_factory=list, max_length=20)  # e.g. "apprenticeship"

    def as_filters(self) -> dict[str, object]:
        return self.model_dump(exclude_defaults=True)


class JobSearchRequest(_Body):
    query: str = Field(min_length=1, max_length=MAX_QUERY)
    location: str | None = Field(default=None, max_length=MAX_LOCATION)
    profile_id: str | None = Field(default=None, max_length=64)
    num_results: int = Field(default=10, ge=1, le=1000)
    max_screening: int | None = Field(default=None, ge=1, le=1000)  # default: min(5, num_results)
    priority: Literal["high", "default"] | None = None
    radius_km: float | None = Field(default=None, gt=0, le=20000, allow_inf_nan=False)  # default 50 km
    letter_language: str | None = Field(default=None, max_length=20)  # checked by the core API: 400 if unknown
    filters: SearchFilters | None = None


class FromProfileRequest(_Body):
    profile_id: str = Field(min_length=1, max_length=64)
    num_results: int = Field(default=10, ge=1, le=1000)
    max_screening: int | None = Field(default=None, ge=1, le=1000)  # default: min(5, num_results)
    letter_language: str | None = Field(default=None, max_length=20)
    radius_km: float | None = Field(default=None, gt=0, le=20000, allow_inf_nan=False)  # default 50 km
    filters: SearchFilters | None = None
