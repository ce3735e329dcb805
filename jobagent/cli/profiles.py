"""``jobagent profile ...``: create profiles from CVs and set their filters."""

from __future__ import annotations

from typing import Any

import typer

from jobagent.cli._app import profile_app
from jobagent.cli._choices import Level
from jobagent.cli._options import filter_options
from jobagent.cli.render import (
    Output,
    announce_store,
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
    # Issue 29 §3: the level, the CV entries and the field (issue 13) say which profile is which at a glance;
    # the id is cut to 8 characters, which every command accepts as a prefix (the full one is in --json).
    print_table("Profiles", ["id", "name", "level", "entries", "field", "location", "titles"],
                [[p["profile_id"][:8], p["name"], p["level"], len(p["experience"]), p["field"], p["location"],
                  ", ".join(p["suggested_titles"])] for p in rows], flex=["name", "field", "location", "titles"])


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
    shown = get_profile(profile_id).model_dump(mode="json")
    _show_profile(shown, out, f"Profile {shown['profile_id']}")


@profile_app.command("filters")
@output_options
@filter_options
def profile_filters(
    profile_id: str = _PROFILE_ID,
    *,
    filters: dict[str, Any],
    out: Output,
) -> None:
    """Set the filters every search for this profile applies (replaces the previous ones).

    Examples:

        jobagent profile filters PROFILE_ID --exclude-company Acme --remote-only

        jobagent profile filters PROFILE_ID --min-salary 60000 --max-age-days 14
    """
    from jobagent.api.profiles import set_profile_filters

    announce_store()
    p = set_profile_filters(profile_id, filters).model_dump(mode="json")
    if out.machine:
        return out.item(p)
    print_table(f"Filters of {p['profile_id'][:8]}", ["filter", "value"],
                [[k, _cell(v)] for k, v in p["filters"].items()],
                flex=["value"], wrap=True)


# --- corrections and deletion (issue 13; core functions in jobagent.api.profiles) -------------------------

def _cell(value: Any) -> Any:
    """A profile value for a person: lists joined, a mapping as "key: value; ..." (its unset keys left out),
    never a Python repr (issue 29 §3: ``profile edit`` printed ``{'level': 'senior'}``)."""
    if isinstance(value, dict):
        shown = {k: v for k, v in value.items() if v not in (None, "", [], {}, False)}
        return "; ".join(f"{k.replace('_', ' ')}: {_cell(v)}" for k, v in shown.items()) or "none"
    if isinstance(value, list):
        return ", ".join(str(_cell(v)) for v in value)
    return value


def _show_profile(p: dict[str, Any], out: Output, title: str) -> None:
    if out.machine:
        return out.item(p)
    rows = [[k, _cell(v)] for k, v in p.items() if k not in ("experience", "education")]
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
    edited = edit_profile(profile_id, edit).model_dump(mode="json")
    _show_profile(edited, out, f"Profile {edited['profile_id']} (edited)")


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
