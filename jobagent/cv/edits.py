"""The user's recorded profile edits, applied over what the CV says (on every extraction and every edit).

Domain code, below the API: profiling (``cv.storage``) re-applies the edits after each new CV, and the API's
``edit_profile`` applies them when they are made; both need the same rules, matched case-insensitively.
"""

from __future__ import annotations

from typing import Any

from jobagent.store.models import UserProfile


def without_items(items: list[str], remove: list[str]) -> list[str]:
    gone = {r.lower() for r in remove}
    return [i for i in items if i.lower() not in gone]


def with_items(items: list[str], add: list[str]) -> list[str]:
    out = list(items)
    have = {i.lower() for i in items}
    for item in add:
        if item.lower() not in have:
            have.add(item.lower())
            out.append(item)
    return out


def apply_edits(profile: UserProfile, edits: dict[str, Any]) -> None:
    """Apply recorded edits to a profile's current (extracted) values.

    A level the user sets also re-derives the suggested titles at that level (then the user's own title
    additions and removals apply on top), so "senior" really searches senior roles. A CV in another
    language than English keeps its own titles as written: the vocabulary's level forms are English, and
    swapping "Elektroniker für Betriebstechnik" for "Senior Electrical Engineer" would search another market.
    """
    from jobagent.cv.titles import titles_for_level

    own_language = getattr(profile, "cv_language", None) not in (None, "en")
    if edits.get("level") and edits["level"] != profile.level and not own_language:
        years = edits.get("years_experience", profile.years_experience)
        fresh = titles_for_level(list(profile.titles_held or []), list(profile.skills or []), edits["level"],
                                 profile.field, years)
        if fresh:
            profile.suggested_titles = fresh
    titles = without_items(list(profile.suggested_titles or []), edits.get("titles_removed", []))
    profile.suggested_titles = with_items(titles, edits.get("titles_added", []))
    skills = without_items(list(profile.skills or []), edits.get("skills_removed", []))
    profile.skills = with_items(skills, edits.get("skills_added", []))
    for key in ("years_experience", "location", "level", "premium"):
        if key in edits:
            setattr(profile, key, edits[key])
