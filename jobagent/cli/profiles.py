"""``jobagent profile ...``: create profiles from CVs and set their filters."""

from __future__ import annotations

from typing import Any

import typer

from jobagent.cli._app import profile_app
from jobagent.cli._choices import Level
from jobagent.cli.render import (
    Output,
    announce_store,
    filters_from_options,
    finish,
    follow,
    output_options,
    print_table,
    show_submissions,
)

_PROFILE_ID = typer.Argument(..., help="A profile id (see 'jobagent profile list').")


@profile_app.command("create")
@output_options
def profile_create(
    name: str = typer.Option(..., "--name", help="Your full name."),
    email: str = typer.Option(..., "--email", help="Where digests and letters are sent."),
    cv: list[str] = typer.Option(..., "--cv", help="A CV path or http(s) URL (PDF, DOCX, TXT, MD). Repeatable."),
    location: str | None = typer.Option(None, "--location", help="Overrides the location found in the CV."),
    premium: bool = typer.Option(False, "--premium", help="Premium profiles run on the high queue."),
    wait: bool = typer.Option(False, "--wait", help="Follow the run to its end."),
    *,
    out: Output,
) -> None:
    """Build a profile from one or more CVs.

    Examples:

        jobagent profile create --name "Jane Doe" --email jane@example.org --cv cv.pdf --wait

        jobagent profile create --name "Jane Doe" --email jane@example.org --cv cv.pdf --cv letters.docx
    """
    from jobagent.cv.intake import warm_sandbox

    warm_sandbox(cv)  # the CV sandbox starts while the API is imported (issue 26 §4)
    from jobagent.api.runs import submit_profiling

    announce_store()
    sub = submit_profiling(name, email, cv, location=location, premium=premium)
    if wait:
        finish(follow(sub.run_id, out.machine, watch=True), out)
    else:
        show_submissions([sub], out)


@profile_app.command("list")
@output_options
def profile_list(limit: int = typer.Option(50, "--limit", min=1, help="At most this many."),
                 *, out: Output) -> None:
    """List profiles, newest first.

    Examples:

        jobagent profile list

        jobagent profile list --nl | jq -r .profile_id
    """
    from jobagent.api.profiles import list_profiles

    announce_store()
    rows = [p.model_dump(mode="json") for p in list_profiles(limit=limit)]
    if out.machine:
        return out.items(rows)
    print_table("Profiles", ["profile_id", "name", "location", "years", "suggested titles"],
                [[p["profile_id"], p["name"], p["location"], p["years_experience"],
                  ", ".join(p["suggested_titles"])] for p in rows], flex=["name", "location", "suggested titles"])


@profile_app.command("show")
@output_options
def profile_show(profile_id: str = _PROFILE_ID, *, out: Output) -> None:
    """Show one profile, with its CV entries, level and recorded edits.

    Examples:

        jobagent profile show PROFILE_ID

        jobagent profile show PROFILE_ID --json
    """
    from jobagent.api.profiles import get_profile

    announce_store()
    _show_profile(get_profile(profile_id).model_dump(mode="json"), out, f"Profile {profile_id}")


@profile_app.command("filters")
@output_options
def profile_filters(
    profile_id: str = _PROFILE_ID,
    exclude_company: list[str] = typer.Option([], "--exclude-company", help="Never show this company. "
                                              "Repeatable."),
    exclude_title: list[str] = typer.Option([], "--exclude-title", help="Drop titles with this word or "
                                            "phrase. Repeatable."),
    remote_only: bool = typer.Option(False, "--remote-only", help="Only remote postings."),
    max_age_days: int | None = typer.Option(None, "--max-age-days", help="Only postings published in the "
                                            "last N days."),
    min_salary: float | None = typer.Option(None, "--min-salary", help="Drop postings whose yearly salary "
                                            "is below this (monthly, hourly... pay counted by the year)."),
    *,
    out: Output,
) -> None:
    """Set the filters every search for this profile applies (replaces the previous ones).

    Examples:

        jobagent profile filters PROFILE_ID --exclude-company Acme --remote-only

        jobagent profile filters PROFILE_ID --min-salary 60000 --max-age-days 14
    """
    from jobagent.api.profiles import set_profile_filters

    announce_store()
    p = set_profile_filters(
        profile_id, filters_from_options(exclude_company, exclude_title, remote_only, max_age_days, min_salary)
    ).model_dump(mode="json")
    if out.machine:
        return out.item(p)
    print_table(f"Filters of {profile_id}", ["filter", "value"], [[k, v] for k, v in p["filters"].items()],
                flex=["value"], wrap=True)


# --- corrections and deletion (issue 13; core functions in jobagent.api.profiles) -------------------------

def _show_profile(p: dict[str, Any], out: Output, title: str) -> None:
    if out.machine:
        return out.item(p)
    rows = [[k, ", ".join(map(str, v)) if isinstance(v, list) and all(isinstance(i, str) for i in v) else v]
            for k, v in p.items() if k not in ("experience", "education")]
    rows.append(["experience", "; ".join(f"{e.get('title')} at {e.get('employer')} ({e.get('start')} – "
                                         f"{e.get('end') or 'present'})" for e in p.get("experience", []))])
    rows.append(["education", "; ".join(", ".join(str(x) for x in (e.get("degree"), e.get("institution"),
                                                                   e.get("end_year")) if x)
                                        for e in p.get("education", []))])
    print_table(title, ["field", "value"], rows, flex=["value"], wrap=True)
    return None


@profile_app.command("edit")
@output_options
def profile_edit(
    profile_id: str = _PROFILE_ID,
    add_title: list[str] = typer.Option([], "--add-title", help="A job title to search for. Repeatable."),
    remove_title: list[str] = typer.Option([], "--remove-title", help="A suggested title to drop. Repeatable."),
    add_skill: list[str] = typer.Option([], "--add-skill", help="A skill the CV does not show. Repeatable."),
    remove_skill: list[str] = typer.Option([], "--remove-skill", help="A skill to drop. Repeatable."),
    years: int | None = typer.Option(None, "--years", help="Years of experience (0-60)."),
    location: str | None = typer.Option(None, "--location", help="Where you want to work, e.g. 'Berlin'."),
    level: Level | None = typer.Option(None, "--level", help="Seniority the searches aim at."),
    premium: bool | None = typer.Option(None, "--premium/--no-premium", help="Run this profile's work on the "
                                        "high queue (or not)."),
    relocate: bool | None = typer.Option(None, "--relocate/--no-relocate", help="Will (not) move for work: "
                                         "on-site postings abroad rank like ones at home."),
    relocate_to: str | None = typer.Option(None, "--relocate-to", metavar="DE,NL", help="Countries you will "
                                           "move to (comma-separated; implies --relocate)."),
    *,
    out: Output,
) -> None:
    """Correct a profile. Edits are kept when the profile is refreshed from a new CV (unless --reset).

    Examples:

        jobagent profile edit PROFILE_ID --add-title "Platform Engineer" --level senior

        jobagent profile edit PROFILE_ID --remove-skill Perl --years 8

        jobagent profile edit PROFILE_ID --relocate-to DE,NL
    """
    from jobagent.api.profiles import ProfileEdit, edit_profile

    announce_store()
    edit = ProfileEdit(add_titles=add_title, remove_titles=remove_title, add_skills=add_skill,
                       remove_skills=remove_skill, years_experience=years, location=location, level=level,
                       premium=premium, relocate=relocate,
                       relocate_to=None if relocate_to is None else relocate_to.split(","))
    _show_profile(edit_profile(profile_id, edit).model_dump(mode="json"), out, f"Profile {profile_id} (edited)")


@profile_app.command("delete")
@output_options
def profile_delete(profile_id: str = _PROFILE_ID, *, out: Output) -> None:
    """Delete a profile and its personal data. Its runs are kept, detached (no profile), without the CV data.

    Examples:

        jobagent profile delete PROFILE_ID

        jobagent profile delete PROFILE_ID --json
    """
    from jobagent.api.profiles import delete_profile

    announce_store()
    result = delete_profile(profile_id).model_dump(mode="json")
    if out.machine:
        return out.item(result)
    typer.echo(f"deleted profile {profile_id}; {result['runs_detached']} run(s) kept without a profile, "
               f"{result['deliveries_deleted']} delivery record(s) and {result['cv_documents_deleted']} stored CV "
               "file(s) removed")


@profile_app.command("refresh")
@output_options
def profile_refresh(
    profile_id: str = _PROFILE_ID,
    cv: list[str] = typer.Option(..., "--cv", help="The new CV (path or URL). Repeatable."),
    reset: bool = typer.Option(False, "--reset", help="Drop your recorded edits instead of re-applying them."),
    wait: bool = typer.Option(False, "--wait", help="Follow the run to its end."),
    *,
    out: Output,
) -> None:
    """Re-profile an existing profile from a new CV, keeping your edits unless --reset.

    Examples:

        jobagent profile refresh PROFILE_ID --cv new-cv.pdf --wait

        jobagent profile refresh PROFILE_ID --cv new-cv.pdf --reset
    """
    from jobagent.api.profiles import refresh_profile

    announce_store()
    sub = refresh_profile(profile_id, cv, reset=reset)
    if wait:
        finish(follow(sub.run_id, out.machine, watch=True), out)
    else:
        show_submissions([sub], out)
