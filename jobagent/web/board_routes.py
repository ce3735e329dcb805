"""The board over HTTP: ``GET /profiles/{id}/board`` and ``POST /profiles/{id}/postings/{posting_id}/state``.

The same core calls as ``jobagent board`` and ``jobagent mark``, behind the same bearer tokens as the rest of
the API; errors come back in the shim's one error shape (404 unknown ids, 400 bad input, 422 bad body).
"""

from __future__ import annotations

import re

from flask import Blueprint, Flask, current_app, jsonify, request
from flask.typing import ResponseReturnValue
from pydantic import BaseModel, ConfigDict, Field

from jobagent.api import board as api
from jobagent.errors import InvalidInput
from jobagent.web.api import actor, require_token

board_routes = Blueprint("board", __name__)
board_routes.before_request(require_token)


class StateChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    state: str = Field(min_length=1, max_length=20)
    note: str | None = Field(default=None, max_length=5000)
    company_block: bool = False


def register(app: Flask) -> None:
    """Served at ``/`` and ``/api/`` like the other routes (see web/api.py)."""
    app.register_blueprint(board_routes)
    app.register_blueprint(board_routes, url_prefix="/api", name="board_prefixed")


def _flag(name: str) -> bool:
    value = request.args.get(name, "false").strip().lower()
    if value not in ("true", "false", "1", "0", "yes", "no"):
        raise InvalidInput(f"{name} must be true or false")
    return value in ("true", "1", "yes")


def _count(name: str, default: int | None) -> int | None:
    """A whole number from the query string; the core API says which values it takes."""
    text = request.args.get(name)
    if text is None:
        return default
    text = text.strip()
    if re.fullmatch(r"-?[0-9]{1,9}", text) is None:
        raise InvalidInput(f"{name} must be a whole number")
    return int(text)


@board_routes.get("/profiles/<profile_id>/board")
def get_board(profile_id: str) -> ResponseReturnValue:
    """Query: ``status`` (repeatable), ``new`` (true/false), ``since`` (7d, 12h, a date), ``limit`` and
    ``offset`` (paging). Records a look."""
    view = api.board(profile_id, statuses=request.args.getlist("status") or None, new_only=_flag("new"),
                     since=request.args.get("since"), limit=_count("limit", None), offset=_count("offset", 0) or 0,
                     settings=current_app.config["JOBAGENT_SETTINGS"], actor=actor())
    return jsonify(view.model_dump(mode="json"))


@board_routes.post("/profiles/<profile_id>/postings/<posting_id>/state")
def set_state(profile_id: str, posting_id: str) -> ResponseReturnValue:
    body = StateChange.model_validate_json(request.get_data(cache=False) or b"")
    result = api.mark(profile_id, posting_id, body.state, note=body.note, company_block=body.company_block,
                      settings=current_app.config["JOBAGENT_SETTINGS"], actor=actor())
    return jsonify(result.model_dump(mode="json"))
