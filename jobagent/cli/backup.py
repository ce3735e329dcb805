"""``jobagent backup ...``: database dumps and the restore proof (run daily by jobagent-backup.timer)."""

from __future__ import annotations

from pathlib import Path

import typer

from jobagent.cli._app import app
from jobagent.cli.render import print_json, print_table

backup_app = typer.Typer(help="PostgreSQL backups: dump, prune, copy off box, prove a restore.",
                         no_args_is_help=True)
app.add_typer(backup_app, name="backup")


@backup_app.command("run")
def backup_run(as_json: bool = typer.Option(False, "--json")) -> None:
    """pg_dump -Fc into JOBAGENT_BACKUP_DIR, check it, record its sha256, prune old dumps, rsync if configured."""
    from jobagent.api.maintenance import run_backup

    result = run_backup().model_dump(mode="json")
    if as_json:
        return print_json(result)
    print_table("Backup", ["field", "value"], [[k, ", ".join(v) if isinstance(v, list) else v]
                                               for k, v in result.items()])


@backup_app.command("verify")
def backup_verify(
    dump: Path | None = typer.Option(None, "--dump", help="A dump file; default: the newest in JOBAGENT_BACKUP_DIR."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Restore a dump into a scratch database, compare row counts per table, drop the scratch database."""
    from jobagent.api.maintenance import verify_backup

    result = verify_backup(dump=dump)
    if as_json:
        return print_json(result.model_dump(mode="json"))
    print_table(f"Restore of {Path(result.dump).name} verified ({result.rows} rows, {result.seconds} s)",
                ["table", "restored", "in_dump", "live"],
                [[t.table, t.restored, t.in_dump, t.live] for t in result.tables])
