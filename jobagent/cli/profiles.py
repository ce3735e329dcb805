"""``jobagent profile ...``: create profiles from CVs and set their filters."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from jobagent.cli._app import profile_app
from jobagent.cli.render import (
    announce_store,
    filters_from_options,
    finish,
    follow,
    print_json,
    print_table,
    show_submissions,
)

if TYPE_CHECKING:
    from jobagent.api.profiles import ProfileView


@profile_app.command("create")
def profile_create(
    name: str = typer.Option(..., "--name", help="Your full name."),
    email: str = typer.Option(..., "--email"),
    cv: list[str] = typer.Option(..., "--cv", help="A CV path or http(s) URL (PDF, DOCX, TXT, MD). Repeatable."),
    location: str | None = typer.Option(None, "--location", help="Overrides the location found in the CV."),
    premium: bool = typer.Option(False, "--premium", help="Premium profiles run on the high queue."),
    wait: bool = typer.Option(False, "--wait", help="Follow the run to its end."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Build a profile from one or more CVs."""
    from jobagent.api.runs import submit_profiling

    announce_store()
    sub = submit_profiling(name, email, cv, location=location, premium=premium)
    if wait:
        finish(follow(sub.run_id, as_json, watch=True), as_json)
    else:
        show_submissions([sub], as_json)


@profile_app.command("list")
def profile_list(limit: int = typer.Option(50, "--limit"), as_json: bool = typer.Option(False, "--json")) -> None:
    """List profiles, newest first."""
    from jobagent.api.profiles import list_profiles

    announce_store()
    rows = list_profiles(limit=limit)
    if as_json:
        return print_json([p.model_dump(mode="json") for p in rows])
    print_table("Profiles", ["profile_id", "name", "location", "premium", "years", "suggested titles"],
           [[p.profile_id, p.name, p.location, p.premium, p.years_experience,
             ", ".join(p.suggested_titles)] for p in rows])


@profile_app.command("show")
def profile_show(profile_id: str, as_json: bool = typer.Option(False, "--json")) -> None:
    """Show one profile, with its CV entries, level and recorded edits."""
    from jobagent.api.profiles import get_profile

    announce_store()
    _show_profile(get_profile(profile_id), as_json, f"Profile {profile_id}")


@profile_app.command("filters")
def profile_filters(
    profile_id: str,
    exclude_company: list[str] = typer.Option([], "--exclude-company"),
    exclude_title: list[str] = typer.Option([], "--exclude-title"),
    remote_only: bool = typer.Option(False, "--remote-only"),
    max_age_days: int | None = typer.Option(None, "--max-age-days"),
    min_salary: float | None = typer.Option(None, "--min-salary"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Set the filters every search for this profile applies (replaces the previous ones)."""
    from jobagent.api.profiles import set_profile_filters

    announce_store()
    p = set_profile_filters(
        profile_id, filters_from_options(exclude_company, exclude_title, remote_only, max_age_days, min_salary))
    if as_json:
        return print_json(p.model_dump(mode="json"))
    print_table(f"Filters of {profile_id}", ["filter", "value"], [[k, v] for k, v in p.filters.items()])


# --- corrections and deletion (issue 13; core functions in jobagent.api.profiles) -------------------------

def _show_profile(view: ProfileView, as_json: bool, title: str) -> None:
    p = view.model_dump(mode="json")
    if as_json:
        return print_json(p)
    rows = [[k, ", ".join(map(str, v)) if isinstance(v, list) and all(isinstance(i, str) for i in v) else v]
            for k, v in p.items() if k not in ("experience", "education")]
    rows.append(["experience", "; ".join(f"{e.get('title')} at {e.get('employer')} ({e.get('start')} – "
                                         f"{e.get('end') or 'present'})" for e in p.get("experience", []))])
    rows.append(["education", "; ".join(", ".join(str(x) for x in (e.get("degree"), e.get("institution"),
                                                                   e.get("end_year")) if x)
                                        for e in p.get("education", []))])
    print_table(title, ["field", "value"], rows)


@profile_app.command("edit")
def profile_edit(
    profile_id: str,
    add_title: list[str] = typer.Option([], "--add-title", help="A job title to search for. Repeatable."),
    remove_title: list[str] = typer.Option([], "--remove-title", help="A suggested title to drop. Repeatable."),
    add_skill: list[str] = typer.Option([], "--add-skill", help="Repeatable."),
    remove_skill: list[str] = typer.Option([], "--remove-skill", help="Repeatable."),
    years: int | None = typer.Option(None, "--years", help="Years of experience (0-60)."),
    location: str | None = typer.Option(None, "--location"),
    level: str | None = typer.Option(None, "--level", help="entry, junior, mid, senior, lead, manager, director."),
    premium: bool | None = typer.Option(None, "--premium/--no-premium"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Correct a profile. Edits are kept when the profile is refreshed from a new CV (unless --reset)."""
    from jobagent.api.profiles import ProfileEdit, edit_profile

    announce_store()
    edit = ProfileEdit(add_titles=add_title, remove_titles=remove_title, add_skills=add_skill,
                       remove_skills=remove_skill, years_experience=years, location=location, level=level,
                       premium=premium)
    _show_profile(edit_profile(profile_id, edit), as_json, f"Profile {profile_id} (edited)")


@profile_app.command("delete")
def profile_delete(profile_id: str, as_json: bool = typer.Option(False, "--json")) -> None:
    """Delete a profile and its personal data. Its runs are kept, detached (no profile), without the CV data."""
    from jobagent.api.profiles import delete_profile

    announce_store()
    result = delete_profile(profile_id)
    if as_json:
        return print_json(result.model_dump(mode="json"))
    typer.echo(f"deleted profile {profile_id}; {result.runs_detached} run(s) kept without a profile, "
               f"{result.deliveries_deleted} delivery record(s) removed")


@profile_app.command("refresh")
def profile_refresh(
    profile_id: str,
    cv: list[str] = typer.Option(..., "--cv", help="The new CV (path or URL). Repeatable."),
    reset: bool = typer.Option(False, "--reset", help="Drop your recorded edits instead of re-applying them."),
    wait: bool = typer.Option(False, "--wait", help="Follow the run to its end."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Re-profile an existing profile from a new CV, keeping your edits unless --reset."""
    from jobagent.api.profiles import refresh_profile

    announce_store()
    sub = refresh_profile(profile_id, cv, reset=reset)
    if wait:
        finish(follow(sub.run_id, as_json, watch=True), as_json)
    else:
        show_submissions([sub], as_json)
