"""Profiles the user corrects and deletes; corrections survive re-profiling from a new CV.

An edit changes the profile at once and is also recorded in ``user_edits`` (titles and skills added or
removed, years, location, level, premium). Re-profiling the same profile from a new CV
(``refresh_profile``, the CLI's ``profile refresh ID --cv PATH``) stores what the new CV says and then
applies the recorded edits again, unless the caller resets them. Creating a profile from a CV always
makes a new profile, as before; ``refresh`` is the one way to re-run an existing one.

Deleting a profile removes the profile row and what only it owns (its deliveries, board, recorded edits)
and erases every copy its runs made (snapshots, results, matches with their letters, reports, tailored
CVs, queue tasks: ``jobagent.api.erasure``). The runs themselves stay, empty, with ``profile_id`` set to
NULL, so run history and queue statistics remain consistent.

Messages name fields ("years_experience", "title"), never CLI flags or HTTP details.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from pydantic import BaseModel
from sqlalchemy import CursorResult, delete, select

from jobagent.actors import OPERATOR, Actor
from jobagent.config import Settings, get_settings
from jobagent.cv.edits import apply_edits, with_items, without_items
from jobagent.cv.vocabulary import LEVELS
from jobagent.errors import InvalidInput
from jobagent.limits import MAX_ITEM, MAX_LOCATION, folded_length
from jobagent.search_specs import check_filters
from jobagent.store.lookup import find_profile
from jobagent.store.models import Delivery, UserProfile
from jobagent.store.session import session_scope
from jobagent.submission import Submission, SubmissionSpec, _queue_for, ensure_schema
from jobagent.submission_groups import submit_one

MAX_YEARS = 60


@dataclass
class ProfileEdit:
    add_titles: list[str] = field(default_factory=list)
    remove_titles: list[str] = field(default_factory=list)
    add_skills: list[str] = field(default_factory=list)
    remove_skills: list[str] = field(default_factory=list)
    years_experience: int | None = None
    location: str | None = None
    level: str | None = None
    premium: bool | None = None
    # Issue 24 §3: whether the person will move for work; relocate_to (countries) implies relocate.
    relocate: bool | None = None
    relocate_to: list[str] | None = None

    def is_empty(self) -> bool:
        return not (self.add_titles or self.remove_titles or self.add_skills or self.remove_skills) and \
            self.years_experience is None and self.location is None and self.level is None and \
            self.premium is None and self.relocate is None and self.relocate_to is None


def _clean_items(items: list[str], what: str) -> list[str]:
    out = []
    for item in items:
        text = " ".join(str(item).split())
        if not text:
            raise InvalidInput(f"{what} must not be empty")
        if folded_length(text) > MAX_ITEM:  # "ß" * 200 folds to 400 characters
            raise InvalidInput(f"{what} is longer than {MAX_ITEM} characters: {text[:40]}...")
        out.append(text)
    return out


def validate_edit(edit: ProfileEdit) -> ProfileEdit:
    """The checked edit; any bad field refuses the whole edit, so nothing is half-applied."""
    if edit.is_empty():
        raise InvalidInput("nothing to change: give at least one field to edit")
    checked = ProfileEdit(
        add_titles=_clean_items(edit.add_titles, "title"), remove_titles=_clean_items(edit.remove_titles, "title"),
        add_skills=_clean_items(edit.add_skills, "skill"), remove_skills=_clean_items(edit.remove_skills, "skill"),
        years_experience=edit.years_experience, premium=edit.premium)
    if edit.years_experience is not None and not 0 <= edit.years_experience <= MAX_YEARS:
        raise InvalidInput(f"years_experience must be between 0 and {MAX_YEARS}, not {edit.years_experience}")
    if edit.location is not None:
        location = " ".join(edit.location.split())
        if not location:
            raise InvalidInput("location must not be empty")
        if folded_length(location) > MAX_LOCATION:
            raise InvalidInput(f"location is longer than {MAX_LOCATION} characters")
        checked.location = location
    if edit.level is not None:
        level = edit.level.strip().lower()
        if level not in LEVELS:
            raise InvalidInput(f"level must be one of {', '.join(LEVELS)}, not {edit.level!r}")
        checked.level = level
    checked.relocate, checked.relocate_to = _check_relocation(edit.relocate, edit.relocate_to)
    return checked


def _check_relocation(relocate: bool | None, countries: list[str] | None) -> tuple[bool | None, list[str] | None]:
    """Countries as ISO alpha-2 codes ("DE", "Netherlands" -> "NL"); a list means the person will relocate."""
    if countries is None:
        return relocate, None
    from jobagent.places import country_of

    if relocate is False and any(c.strip() for c in countries):
        raise InvalidInput("relocate_to needs relocate: a person who will not relocate has no countries to go to")
    codes: list[str] = []
    for name in (c.strip() for c in countries if c.strip()):
        code = country_of(name) or country_of(name.upper())
        if code is None:
            raise InvalidInput(f"relocate_to: {name!r} is not a country (use ISO codes such as DE, NL)")
        if code not in codes:
            codes.append(code)
    if not codes:
        raise InvalidInput("relocate_to must name at least one country")
    return True, codes


def _record(edits: dict[str, Any], edit: ProfileEdit) -> dict[str, Any]:
    out = {k: list(v) if isinstance(v, list) else v for k, v in edits.items()}
    for added, removed, adds, removes in (("titles_added", "titles_removed", edit.add_titles, edit.remove_titles),
                                         ("skills_added", "skills_removed", edit.add_skills, edit.remove_skills)):
        out[added] = with_items(without_items(out.get(added, []), removes), adds)
        out[removed] = with_items(without_items(out.get(removed, []), adds), removes)
        if not out[added]:
            del out[added]
        if not out[removed]:
            del out[removed]
    for key, value in (("years_experience", edit.years_experience), ("location", edit.location),
                       ("level", edit.level), ("premium", edit.premium)):
        if value is not None:
            out[key] = value
    return out


class ProfileView(BaseModel):
    """A profile as every face shows it: the structured CV facts, the user's recorded edits and filters."""

    profile_id: str
    name: str
    email: str
    location: str | None
    premium: bool
    level: str | None
    field: str | None
    years_experience: int | None
    titles_held: list[str]
    suggested_titles: list[str]
    skills: list[str]
    certifications: list[str]
    languages: list[str]  # spoken, "German (native)", "English (C1)"
    cv_language: str | None  # the language the CV is written in ("de")
    experience: list[dict[str, Any]]
    education: list[dict[str, Any]]
    user_edits: dict[str, Any]
    cv_sources: list[str]
    filters: dict[str, Any]
    created_at: str | None  # ISO 8601, UTC
    owner: str | None = None  # the token name it was created through; None: the operator's
    relocate: bool = False  # will move for work (issue 24 §3): on-site postings abroad then rank
    relocate_to: list[str] = []  # the countries (ISO alpha-2); empty with relocate: anywhere


class ProfileDeleted(BaseModel):
    profile_id: str
    deleted: bool
    runs_detached: int
    deliveries_deleted: int
    cv_documents_deleted: int = 0  # stored CV bytes no other run names
    matches_deleted: int = 0  # with their cover letters (issue 23 §3)
    runs_stopped: int = 0  # pending or running executions failed as "profile deleted" (issue 23 §4)
    files_deleted: int = 0  # reports and tailored CVs
    tasks_deleted: int = 0  # queue tasks in Redis


def profile_view(p: UserProfile) -> ProfileView:
    return ProfileView(
        profile_id=p.id, name=p.name, email=p.email, location=p.location, premium=p.premium,
        level=p.level, field=p.field, years_experience=p.years_experience,
        titles_held=list(p.titles_held or []), suggested_titles=list(p.suggested_titles or []),
        skills=list(p.skills or []), certifications=list(p.certifications or []),
        languages=list(p.languages or []), cv_language=p.cv_language, experience=list(p.experience or []),
        education=list(p.education or []), user_edits=dict(p.user_edits or {}),
        cv_sources=list(p.cv_sources or []), filters=dict(p.filters or {}),
        created_at=p.created_at.isoformat() if p.created_at else None, owner=p.owner,
        relocate=bool(p.relocate), relocate_to=list(p.relocate_to or []),
    )


def _ensure(settings: Settings | None) -> None:
    ensure_schema(settings)


def edit_profile(profile_id: str, edit: ProfileEdit, *, settings: Settings | None = None,
                 actor: Actor = OPERATOR) -> ProfileView:
    """Change a profile and remember the change, so a refresh from a new CV keeps it."""
    checked = validate_edit(edit)
    _ensure(settings)
    with session_scope() as s:
        profile = find_profile(s, profile_id, actor=actor)
        missing = [t for t in checked.remove_titles
                   if t.lower() not in {x.lower() for x in profile.suggested_titles or []}]
        if missing:
            raise InvalidInput(f"title not in the profile's suggested titles: {', '.join(missing)}")
        missing = [k for k in checked.remove_skills if k.lower() not in {x.lower() for x in profile.skills or []}]
        if missing:
            raise InvalidInput(f"skill not in the profile's skills: {', '.join(missing)}")
        recorded = _record(dict(profile.user_edits or {}), checked)
        # A new level re-derives the titles, so every recorded title edit is applied again on top of them.
        apply_edits(profile, recorded if checked.level else _record({}, checked))
        profile.user_edits = recorded
        if checked.relocate is not None:  # not a CV fact: a refresh from a new CV leaves it as it is
            profile.relocate = checked.relocate
            profile.relocate_to = list(checked.relocate_to or []) if checked.relocate else []
        if not profile.suggested_titles:
            raise InvalidInput("a profile needs at least one suggested title; add one before removing the last")
        s.flush()
        return profile_view(profile)


def delete_profile(profile_id: str, *, settings: Settings | None = None,
                   actor: Actor = OPERATOR) -> ProfileDeleted:
    """Remove the profile and every copy of the person (``jobagent.api.erasure``): running searches are
    stopped first, runs stay detached and empty, matches, reports, tailored CVs and queue tasks go, and the
    CV bytes stored for them unless another run names the same file. One transaction for the store: a
    failure leaves the profile as it was; files and queue tasks are removed once it has committed."""
    from jobagent.api.erasure import erase_runs, remove_files, remove_tasks

    settings = settings or get_settings()
    _ensure(settings)
    with session_scope() as s:
        profile = find_profile(s, profile_id, actor=actor)
        profile_id = profile.id  # the full id, when a prefix was given
        erased = erase_runs(s, profile, settings.reports_dir)
        deleted = cast("CursorResult[Any]", s.execute(delete(Delivery).where(Delivery.profile_id == profile_id)))
        s.delete(profile)
    return ProfileDeleted(profile_id=profile_id, deleted=True, runs_detached=erased.runs,
                          deliveries_deleted=int(deleted.rowcount or 0), cv_documents_deleted=erased.cv_documents,
                          matches_deleted=erased.matches, runs_stopped=erased.stopped,
                          files_deleted=remove_files(erased.paths),
                          tasks_deleted=remove_tasks(erased.execution_ids, settings))


def refresh_profile(profile_id: str, cv_sources: list[str], *, reset: bool = False,
                    settings: Settings | None = None, actor: Actor = OPERATOR) -> Submission:
    """Re-profile an existing profile from new CVs; recorded edits are re-applied unless ``reset``."""
    from jobagent.cv.intake import intake_sources
    from jobagent.cv.stored import store_documents

    settings = settings or get_settings()
    _ensure(settings)
    with session_scope() as s:
        profile = find_profile(s, profile_id, actor=actor)
        profile_id = profile.id
        name, email, premium, owner = profile.name, profile.email, profile.premium, profile.owner
    # As at create: local files are read once here and their bytes stored, so the worker never re-reads a path.
    sources, local_files = intake_sources(cv_sources, settings)
    context = {"name": name, "email": email, "cv_sources": sources, "cv_documents": store_documents(local_files),
               "premium": premium, "profile_id": profile_id, "reset_edits": reset}
    spec = SubmissionSpec("profiling", _queue_for(None, premium), context, profile_id=profile_id, owner=owner)
    return submit_one(spec, settings)  # in a batch with concurrent submissions, as every single submit


def get_profile(profile_id: str, *, settings: Settings | None = None, actor: Actor = OPERATOR) -> ProfileView:
    """One profile, with its CV entries, level and recorded edits."""
    _ensure(settings)
    with session_scope() as s:
        profile = find_profile(s, profile_id, actor=actor)
        return profile_view(profile)


def list_profiles(*, limit: int = 50, settings: Settings | None = None,
                  actor: Actor = OPERATOR) -> list[ProfileView]:
    """Profiles, newest first; only the actor's own unless it is an admin."""
    if limit < 1:
        raise InvalidInput("limit must be at least 1")
    _ensure(settings)
    with session_scope() as s:
        q = select(UserProfile).order_by(UserProfile.created_at.desc()).limit(limit)
        if actor.scope is not None:
            q = q.where(UserProfile.owner == actor.scope)
        return [profile_view(p) for p in s.scalars(q)]


def set_profile_filters(profile_id: str, filters: dict[str, Any], *,
                        settings: Settings | None = None, actor: Actor = OPERATOR) -> ProfileView:
    """Standing filters every search for this profile applies (replacing the previous ones)."""
    _ensure(settings)
    checked = check_filters(filters)
    with session_scope() as s:
        profile = find_profile(s, profile_id, actor=actor)
        profile.filters = checked
        return profile_view(profile)
