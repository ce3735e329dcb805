"""``jobagent letter RUN_ID RANK|POSTING_ID``: one match's cover letter, printed, saved as DOCX or copied.

Issue 29 §1: the letter was reachable only inside the Markdown report. A match without one says why (no
profile, refused by grounding, not screened) and exits 3, so a script can tell "no letter" from a letter.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import typer

from jobagent.cli._app import PANEL_SEARCH, app
from jobagent.cli.render import Output, announce_store, output_options

# The clipboard tools tried in order: Wayland, X11 (two), macOS, Windows/WSL. Each reads the text on stdin.
CLIPBOARD_TOOLS = (("wl-copy",), ("xclip", "-selection", "clipboard"), ("xsel", "--clipboard", "--input"),
                   ("pbcopy",), ("clip.exe",))


def copy_to_clipboard(text: str) -> str | None:
    """Hand ``text`` to the first clipboard tool on PATH; its name, or None when there is none (or it failed)."""
    for command in CLIPBOARD_TOOLS:
        path = shutil.which(command[0])
        if path is None:
            continue
        try:
            subprocess.run([path, *command[1:]], input=text.encode("utf-8"), check=True, timeout=10,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except (OSError, subprocess.SubprocessError):
            continue
        return command[0]
    return None


@app.command(rich_help_panel=PANEL_SEARCH)
@output_options
def letter(run_id: str = typer.Argument(..., help="The run id of a job search (a unique prefix will do)."),
           match: str = typer.Argument(..., metavar="RANK|POSTING_ID", help="The match: its rank in "
                                       "'jobagent matches' (1, 2, ...) or its posting id (or a prefix)."),
           docx: Path | None = typer.Option(None, "--docx", metavar="PATH", help="Write the letter to this "
                                            "Word file instead of printing it."),
           copy: bool = typer.Option(False, "--copy", help="Also copy the letter to the clipboard (wl-copy, "
                                     "xclip, xsel, pbcopy or clip.exe, whichever is installed)."),
           *, out: Output) -> None:
    """Print one match's cover letter (or write it as DOCX with --docx).

    With --json: the letter, the posting and the tailored CV's paths; cover_letter is null and
    letter_missing says why when there is none.

    Examples:

        jobagent letter RUN_ID 1

        jobagent letter RUN_ID 3f2a9c1e --docx letter.docx

        jobagent letter RUN_ID 2 --copy
    """
    from jobagent.api.postings import letter as get_letter
    from jobagent.api.postings import letter_docx
    from jobagent.errors import NotFound

    announce_store()
    view = get_letter(run_id, match)
    if out.machine:
        return out.item(view)
    if view.cover_letter is None:
        raise NotFound(f"no letter for match {view.rank} ({view.title} at {view.company}): {view.letter_missing}")
    if docx is not None:
        typer.echo(f"wrote {letter_docx(view, docx)}")
    else:
        typer.echo(view.cover_letter.rstrip("\n"))
    if copy:
        tool = copy_to_clipboard(view.cover_letter)
        typer.echo(f"copied to the clipboard ({tool})" if tool else
                   "not copied: no clipboard tool found (install wl-clipboard, xclip or xsel)", err=True)
    return None
