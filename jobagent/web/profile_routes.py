"""``PATCH`` and ``DELETE /profiles/{id}``: the same core calls as ``jobagent profile edit/delete``.

(``GET /profiles/{id}`` stays in ``web/api.py``.)

A blueprint of its own (issue 13), behind the same bearer-token check as ``web/api.py`` and served at
``/`` and ``/api/`` like the other routes. Errors use the shim's one JSON shape: an unknown id is 404,
a bad field 400 (``invalid_input``) or 422 (a body that does not parse), and nothing is changed.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request
from flask.typing import ResponseReturnValue
from pydantic import BaseModel, ConfigDict, Field

from jobagent.web.api import actor, require_token

profiles = Blueprint("profiles", __name__)
profiles.before_request(require_token)


class ProfilePatch(BaseModel):
    """Field names as in the profile view; unknown fields are refused, so a typo is not silently ignored."""

    model_config = ConfigDict(extra="forbid", strict=True)

    add_titles: list[str] = Field(default_factory=list)
    remove_titles: list[str] = Field(default_factory=list)
    add_skills: list[str] = Field(default_factory=list)
    remove_skills: list[str] = Field(default_factory=list)
    years_experience: int | None = None
    location: str | None = None
    level: str | None = None
    premium: bool | None = None


@profiles.patch("/profiles/<profile_id>")
def patch_profile(profile_id: str) -> ResponseReturnValue:
    from jobagent.api.profiles import ProfileEdit, edit_profile

    body = ProfilePatch.model_validate_json(request.get_data(cache=False) or b"")
    edit = ProfileEdit(**body.model_dump())
    view = edit_profile(profile_id, edit, settings=current_app.config["JOBAGENT_SETTINGS"], actor=actor())
    return jsonify(view.model_dump(mode="json"))


@profiles.delete("/profiles/<profile_id>")
def delete_profile(profile_id: str) -> ResponseReturnValue:
    from jobagent.api.profiles import delete_profile as delete

    deleted = delete(profile_id, settings=current_app.config["JOBAGENT_SETTINGS"], actor=actor())
    return jsonify(deleted.model_dump(mode="json"))
