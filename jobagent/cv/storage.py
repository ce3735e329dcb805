"""Writing an extracted CV onto the stored profile, then the user's recorded edits over it."""

from __future__ import annotations

from jobagent.cv.confidence import CONFIDENCE_KEY, GIVEN
from jobagent.cv.edits import apply_edits
from jobagent.cv.schema import ExtractedProfile
from jobagent.store.models import UserProfile


def store_extracted(profile: UserProfile, extracted: ExtractedProfile, *, location: str | None, premium: bool,
                    cv_sources: list[str], reset_edits: bool = False) -> None:
    """What the CV says replaces what the last CV said; the user's edits win over both unless reset."""
    profile.location = location
    profile.premium = premium
    profile.skills = list(extracted.skills)
    profile.years_experience = extracted.years_experience
    profile.titles_held = list(extracted.titles_held)
    profile.suggested_titles = list(extracted.suggested_titles)
    profile.experience = [e.model_dump() for e in extracted.experience]
    profile.education = [e.model_dump() for e in extracted.education]
    profile.certifications = list(extracted.certifications)
    profile.languages = list(extracted.languages)
    profile.level = extracted.level
    profile.field = extracted.field
    profile.cv_language = extracted.cv_language
    profile.cv_sources = list(cv_sources)
    edits = {} if reset_edits else {k: v for k, v in (profile.user_edits or {}).items() if k != CONFIDENCE_KEY}
    apply_edits(profile, edits)
    grades = dict(extracted.confidence)
    if location and location != extracted.location:
        grades["location"] = GIVEN  # the person gave it at submit
    # Kept beside the edits (no column of its own): the view reads them together, since an edit settles
    # the field it changes (jobagent.cv.confidence.with_edits).
    profile.user_edits = {**edits, CONFIDENCE_KEY: grades} if grades else edits
