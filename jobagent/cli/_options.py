"""Option groups: a set of flags declared once and given to every command that takes them (issue 28 §4).

sqlite-utils' ``insert_upsert_options()`` is the model: a decorator adds the flags to the command, so two
commands cannot drift apart in a flag's name, default or help. Here the group also builds the one value the
command wants (``out: Output``, ``filters: dict``) from its flags, so a command declares that parameter
instead of the flags, and its body never sees them.

Typer reads a command's parameters from its signature, so the decorator rewrites ``__signature__``: the
group's flags are appended as keyword-only parameters, and the built value is passed in their place.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import typer

F = TypeVar("F", bound=Callable[..., Any])
# (parameter name, annotation, a factory for its typer.Option: each command gets its own instance)
Flag = tuple[str, Any, Callable[[], Any]]

__all__ = ["FILTERS_PANEL", "filter_options", "option_group"]


def option_group(target: str, flags: Sequence[Flag], build: Callable[..., Any]) -> Callable[[F], F]:
    """A decorator giving a command ``flags``; the command receives ``build(**flag values)`` as ``target``."""
    names = [name for name, _, _ in flags]

    def decorate(func: F) -> F:
        signature = inspect.signature(func, eval_str=True)
        params = [p for name, p in signature.parameters.items() if name != target]
        params += [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=option())
                   for name, annotation, option in flags]

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            values = {name: kwargs.pop(name) for name in names if name in kwargs}
            return func(*args, **{target: build(**values)}, **kwargs)

        wrapper.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
        wrapper.__annotations__ = {**{p.name: p.annotation for p in params}, "return": signature.return_annotation}
        return wrapper  # type: ignore[return-value]

    return decorate


FILTERS_PANEL = "Filters"  # their own heading in the command's --help


def _filters(exclude_company: list[str] | None = None, exclude_title: list[str] | None = None,
             remote_only: bool = False, max_age_days: int | None = None,
             min_salary: float | None = None) -> dict[str, Any]:
    """The flags as the core API's filter fields (``PostingFilters``); the employment types are the search's."""
    return {"company_blocklist": list(exclude_company or []), "title_exclusions": list(exclude_title or []),
            "remote_only": remote_only, "max_age_days": max_age_days, "min_salary": min_salary,
            "employment_types": []}


_FILTER_FLAGS: tuple[Flag, ...] = (
    ("exclude_company", list[str], lambda: typer.Option(
        [], "--exclude-company", rich_help_panel=FILTERS_PANEL, help="Never show this company. Repeatable.")),
    ("exclude_title", list[str], lambda: typer.Option(
        [], "--exclude-title", rich_help_panel=FILTERS_PANEL, help="Drop titles with this word or phrase. "
        "Repeatable.")),
    ("remote_only", bool, lambda: typer.Option(
        False, "--remote-only", rich_help_panel=FILTERS_PANEL, help="Only remote postings.")),
    ("max_age_days", int | None, lambda: typer.Option(
        None, "--max-age-days", rich_help_panel=FILTERS_PANEL, help="Only postings published in the "
        "last N days.")),
    ("min_salary", float | None, lambda: typer.Option(
        None, "--min-salary", rich_help_panel=FILTERS_PANEL, help="Drop postings whose yearly salary is below "
        "this (monthly, hourly... pay counted by the year; postings without one are kept).")),
)

filter_options = option_group("filters", _FILTER_FLAGS, _filters)
filter_options.__doc__ = """The five posting filters (``search``, ``profile filters``); the command receives
``filters: dict[str, Any]`` in the core API's field names."""
