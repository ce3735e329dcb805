"""The normalized posting (a job advert) that every source maps to."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field, model_validator

from jobagent.postings.salary import PER_YEAR, annual, period_of


class PostingData(BaseModel):
    source: str  # e.g. "feed:/path/postings.json"
    external_id: str
    url: str | None = None
    title: str
    company: str
    location: str | None = None
    remote: bool = False
    employment_type: str | None = None
    salary_min: float | None = None
    salary_max: float | None = None
    salary_currency: str | None = None
    salary_interval: str | None = None  # "year", "month", "hour", ... as the source states it
    posted_at: datetime | None = None
    description: str = ""
    company_url: str | None = None
    company_description: str | None = None
    company_industry: str | None = None
    company_size: str | None = None
    # Migration 0008 (shared by issues 24, 25 and 27):
    language: str | None = None  # ISO 639-1 code of the advert's text, detected at harvest
    salary_text: str | None = None  # the pay as the source wrote it, kept when no figure can be read from it
    salary_annual_min: float | None = None  # salary_min/max in a year, from salary_interval (the one parser)
    salary_annual_max: float | None = None
    valid_through: datetime | None = None  # the source's closing date (schema.org validThrough and the like)
    remote_scope: str | None = None  # who may work remotely as the source states it: "EU", "US only", ...
    closed_reason: str | None = None  # set when the source (or the liveness check) says the posting is closed
    employment_kinds: str | None = None  # migration 0018: parsed at harvest, "part_time internship" (employment.py)

    @model_validator(mode="after")
    def _yearly_pay(self) -> PostingData:
        """Every posting compares pay by the year, whichever source (or older stored row) it came from: a
        source interval such as "per-month-salary" becomes "month", and missing yearly figures are computed
        (the one parser's rules, ``salary.annual``)."""
        if self.salary_min is None and self.salary_max is None:
            return self
        if self.salary_interval is not None and self.salary_interval not in PER_YEAR:
            self.salary_interval = period_of(self.salary_interval) or self.salary_interval
        if self.salary_annual_min is None and self.salary_annual_max is None:
            figures = (self.salary_interval, self.salary_currency, self.salary_min, self.salary_max)
            self.salary_annual_min = annual(self.salary_min, *figures)
            self.salary_annual_max = annual(self.salary_max, *figures)
        return self


class ProfileFacts(BaseModel):
    """What matching and fabrication may use about the job seeker (from the stored profile)."""

    name: str
    email: str
    location: str | None = None
    skills: list[str] = Field(default_factory=list)
    years_experience: int | None = None
    titles_held: list[str] = Field(default_factory=list)
    suggested_titles: list[str] = Field(default_factory=list)
    # Structured CV (issue 13): entries letters and tailored CVs cite (dicts of cv.schema.ExperienceEntry).
    experience: list[dict[str, Any]] = Field(default_factory=list)
    education: list[dict[str, Any]] = Field(default_factory=list)
    certifications: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    level: str | None = None
    field: str | None = None
    # Migration 0020: whether the person will move for work, and where to (ISO alpha-2; empty: anywhere).
    relocate: bool = False
    relocate_to: list[str] = Field(default_factory=list)


class MatchResult(BaseModel):
    posting: PostingData
    score: float  # 0..100
    reasons: list[str] = Field(default_factory=list)
    matched_skills: list[str] = Field(default_factory=list)
    # The score by component (skills, title, place, level, relevance, and the level-gap and abroad
    # adjustments as negative parts): they add up to the score before it is clamped to 0..100.
    score_parts: dict[str, float] = Field(default_factory=dict)
