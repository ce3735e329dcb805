"""``jobagent backup ...``: database dumps and the restore proof (run daily by jobagent-backup.timer)."""

from __future__ import annotations

from pathlib import Path

import typer

from jobagent.cli._app import HELP_MARKUP, PANEL_OPERATIONS, app
from jobagent.cli.render import Output, output_options, print_table

backup_app = typer.Typer(help="PostgreSQL backups: dump, prune, copy off box, prove a restore.",
                         no_args_is_help=True,
                         rich_markup_mode=HELP_MARKUP)
app.add_typer(backup_app, name="backup", rich_help_panel=PANEL_OPERATIONS)


@backup_app.command("run")
@output_options
def backup_run(*, out: Output) -> None:
    """pg_dump -Fc into JOBAGENT_BACKUP_DIR, check it, record its sha256, prune old dumps, rsync if configured.

    Examples:

        jobagent backup run

        JOBAGENT_BACKUP_DIR=/var/backups/jobagent jobagent backup run --json
    """
    from jobagent.api.maintenance import run_backup

    result = run_backup().model_dump(mode="json")
    if out.machine:
        return out.item(result)
    print_table("Backup", ["field", "value"], [[k, ", ".join(v) if isinstance(v, list) else v]
                                               for k, v in result.items()], flex=["value"], wrap=True)
    return None


@backup_app.command("verify")
@output_options
def backup_verify(
    dump: Path | None = typer.Option(None, "--dump", help="A dump file; default: the newest in JOBAGENT_BACKUP_DIR."),
    *,
    out: Output,
) -> None:
    """Restore a dump into a scratch database, compare row counts per table, drop the scratch database.

    Examples:

        jobagent backup verify

        jobagent backup verify --dump /var/backups/jobagent/jobagent-20261130.dump --json
    """
    from jobagent.api.maintenance import verify_backup

    result = verify_backup(dump=dump).model_dump(mode="json")
    if out.machine:
        return out.item(result)
    print_table(f"Restore of {Path(result['dump']).name} verified ({result['rows']} rows, {result['seconds']} s)",
                ["table", "restored", "in_dump", "live"],
                [[t["table"], t["restored"], t["in_dump"], t["live"]] for t in result["tables"]])
    return None
