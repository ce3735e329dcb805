"""``jobagent profile ...``: create profiles from CVs and set their filters."""

from __future__ import annotations

import typer

from jobagent.cli._app import profile_app
from jobagent.cli.render import (
    core_api,
    filters_from_options,
    finish,
    follow,
    print_json,
    print_table,
    show_submissions,
)


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
    sub = core_api().submit_profiling(name, email, cv, location=location, premium=premium)
    if wait:
        finish(follow(sub.run_id, as_json, watch=True), as_json)
    else:
        show_submissions([sub], as_json)


@profile_app.command("list")
def profile_list(limit: int = typer.Option(50, "--limit"), as_json: bool = typer.Option(False, "--json")) -> None:
    """List profiles, newest first."""
    rows = core_api().list_profiles(limit=limit)
    if as_json:
        return print_json(rows)
    print_table("Profiles", ["profile_id", "name", "location", "premium", "years", "suggested titles"],
           [[p["profile_id"], p["name"], p["location"], p["premium"], p["years_experience"],
             ", ".join(p["suggested_titles"])] for p in rows])


@profile_app.command("show")
def profile_show(profile_id: str, as_json: bool = typer.Option(False, "--json")) -> None:
    """Show one profile."""
    p = core_api().get_profile(profile_id)
    if as_json:
        return print_json(p)
    print_table(f"Profile {p['profile_id']}", ["field", "value"],
           [[k, ", ".join(v) if isinstance(v, list) else v] for k, v in p.items()])


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
    p = core_api().set_profile_filters(
        profile_id, filters_from_options(exclude_company, exclude_title, remote_only, max_age_days, min_salary))
    if as_json:
        return print_json(p)
    print_table(f"Filters of {profile_id}", ["filter", "value"], [[k, v] for k, v in p["filters"].items()])
