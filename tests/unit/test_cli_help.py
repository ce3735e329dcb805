"""The CLI documents itself: every option and argument has help, every command has an Examples block,
and the closed choices match the domain's own lists.

The walk goes over the assembled Typer app, so a new command or option without help fails here.
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum
from typing import Any

import pytest
import typer.main

from jobagent.cli import _choices as choices
from jobagent.cli import app


def _commands(group: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, Any]]:
    for name, command in sorted(group.commands.items()):
        if getattr(command, "hidden", False):
            continue
        if hasattr(command, "commands"):  # a sub-app: profile, db, sources, backup, schedule
            yield from _commands(command, (*path, name))
        else:
            yield " ".join((*path, name)), command


ROOT = typer.main.get_command(app)
COMMANDS = dict(_commands(ROOT))


def test_the_walk_sees_every_command() -> None:
    expected = {"search", "status", "runs", "matches", "letter", "demo", "board", "mark", "review", "queues", "worker",
                "monitor", "reconcile", "retry", "harvest", "serve", "dev", "scheduler", "profile create",
                "profile list", "profile show", "profile edit", "profile filters", "profile delete",
                "profile refresh", "db upgrade", "sources list", "backup run", "backup verify",
                "schedule show", "schedule run-now"}
    assert expected <= set(COMMANDS), expected - set(COMMANDS)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_option_and_argument_has_help(name: str) -> None:
    command = COMMANDS[name]
    undocumented = [param.name for param in command.params
                    if not getattr(param, "hidden", False) and not (getattr(param, "help", None) or "").strip()]
    assert undocumented == [], f"jobagent {name}: no help on {undocumented}"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_help_has_examples(name: str) -> None:
    text = COMMANDS[name].help or ""
    assert "Examples:" in text, f"jobagent {name}: no Examples block in its help"
    after = text.split("Examples:", 1)[1]
    lines = [line.strip() for line in after.splitlines() if line.strip()]
    assert lines and all(" jobagent " in f" {line} " for line in lines), (name, lines)
    assert any(line.split("jobagent ", 1)[1].startswith(name) for line in lines), (name, lines)


def test_root_has_version_and_completion() -> None:
    names = {opt for param in ROOT.params for opt in getattr(param, "opts", [])}
    assert {"--version", "--install-completion", "--show-completion"} <= names


def _params_named(flag: str) -> list[tuple[str, Any]]:
    return [(name, param) for name, command in COMMANDS.items() for param in command.params
            if flag in getattr(param, "opts", [])]


def test_output_options_are_the_same_everywhere() -> None:
    """One shared set: wherever --json is offered, --csv and --nl are too, with the same help."""
    offered = {name for name, _ in _params_named("--json")}
    assert {"runs", "status", "matches", "board", "profile list", "queues", "retry"} <= offered
    for flag in ("--csv", "--nl"):
        assert {name for name, _ in _params_named(flag)} >= offered - {"demo"}
    for flag in ("--json", "--csv", "--nl"):
        helps = {param.help for name, param in _params_named(flag) if name != "demo"}
        assert len(helps) == 1, (flag, helps)


def _domain_values(enum: type[StrEnum]) -> tuple[str, ...]:
    return tuple(member.value for member in enum)


def test_choices_match_their_domain_sources() -> None:
    from jobagent.cv.vocabulary import LEVELS
    from jobagent.postings.board import STATES
    from jobagent.queue import QUEUE_NAMES
    from jobagent.scheduler import periodic_tasks
    from jobagent.submission import STATUSES

    assert _domain_values(choices.RunState) == tuple(STATUSES)
    assert set(_domain_values(choices.Priority)) == set(QUEUE_NAMES)
    from rq.worker import DequeueStrategy

    assert {c.value for c in choices.DequeueStrategyName} == {s.value for s in DequeueStrategy}
    assert _domain_values(choices.BoardState) == tuple(STATES)
    assert _domain_values(choices.Level) == tuple(LEVELS)
    assert set(_domain_values(choices.PeriodicTaskId)) == {task.id for task in periodic_tasks()}
    from jobagent.languages import SUPPORTED

    assert _domain_values(choices.LetterLanguage) == SUPPORTED


@pytest.mark.parametrize(("name", "flag", "enum"), [
    ("runs", "--status", choices.RunState), ("search", "--priority", choices.Priority),
    ("board", "--status", choices.BoardState), ("profile edit", "--level", choices.Level),
    ("worker", "--dequeue-strategy", choices.DequeueStrategyName),
    ("search", "--letter-language", choices.LetterLanguage),
])
def test_choice_options_list_their_values(name: str, flag: str, enum: type[StrEnum]) -> None:
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, [*name.split(), "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    line = next(ln for ln in result.output.splitlines() if ln.strip("│ ").startswith(flag))
    assert "|".join(_domain_values(enum)) in line, line
