"""Shapes passed from the CV readers to the profiling workflow."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class CVDocument(BaseModel):
    source: str  # the path or URL the user gave
    kind: str  # "pdf" | "docx" | "text"
    text: str


class ExperienceEntry(BaseModel):
    """One job as the CV states it; letters and tailored CVs cite these, so nothing here is inferred
    except ``title`` (the canonical form of ``title_as_written``), ``level`` and ``field``."""

    title: str | None = None
    title_as_written: str | None = None
    employer: str | None = None
    location: str | None = None
    start: str | None = None  # "YYYY-MM"
    end: str | None = None  # "YYYY-MM", None while current
    current: bool = False
    bullets: list[str] = Field(default_factory=list)
    internship: bool = False
    level: str | None = None
    field: str | None = None


class EducationEntry(BaseModel):
    degree: str | None = None
    institution: str | None = None
    start_year: int | None = None
    end_year: int | None = None


class ExtractedProfile(BaseModel):
    """Facts found in a CV. Everything here must come from the CV text, never invented."""

    # No name, e-mail or phone: the user gives name and e-mail at submit, and nothing read the ones found here.
    location: str | None = None
    skills: list[str] = Field(default_factory=list)
    years_experience: int | None = None
    titles_held: list[str] = Field(default_factory=list)
    suggested_titles: list[str] = Field(default_factory=list)
    experience: list[ExperienceEntry] = Field(default_factory=list)
    education: list[EducationEntry] = Field(default_factory=list)
    certifications: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)  # spoken, "German (native)", "English (C1)"
    level: str | None = None
    field: str | None = None
    cv_language: str | None = None  # the language the CV is written in ("de"), jobagent.languages.detect
    # How sure each inferred field is (jobagent.cv.confidence): {"location": "high", "level": "medium", ...,
    # "entries": [{"title": "high", "employer": "missing", ...}, ...]}, one grade dict per experience entry.
    confidence: dict[str, Any] = Field(default_factory=dict)
