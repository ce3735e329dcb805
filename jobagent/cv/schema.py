"""Shapes passed from the CV readers to the profiling workflow."""

from __future__ import annotations

from pydantic import BaseModel, Field


class CVDocument(BaseModel):
    source: str  # the path or URL the user gave
    kind: str  # "pdf" | "docx" | "text"
    text: str


class ExtractedProfile(BaseModel):
    """Facts found in a CV. Everything here must come from the CV text, never invented."""

    name: str | None = None
    email: str | None = None
    phone: str | None = None
    location: str | None = None
    skills: list[str] = Field(default_factory=list)
    years_experience: int | None = None
    titles_held: list[str] = Field(default_factory=list)
    suggested_titles: list[str] = Field(default_factory=list)
