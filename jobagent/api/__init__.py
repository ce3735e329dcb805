"""The typed core API, one module per noun: every face (the CLI, the HTTP shim) goes through it.

- ``runs``: submit profiling, job searches and plugin workflows; status, the run list, waiting.
- ``postings``: the postings a run matched (``MatchView``).
- ``profiles``: list, show, edit, refresh, delete, standing filters (``ProfileView``).
- ``board``: a profile's board of postings and their states.
- ``sources``: harvest posting sources, their harvest state.
- ``ops``: queues, health, the monitor, reconcile, retry, the schema, telemetry start-up.
- ``maintenance``: backups and the periodic tasks.
- ``tokens``: API tokens with an owner, and the ``Actor`` every call above is scoped by (default: the
  operator, as the CLI on the box is; a user's token sees only its owner's profiles, boards and runs).

Functions return pydantic view models (faces render them, ``.model_dump(mode="json")`` for JSON); nothing
here knows about command-line flags or HTTP status codes, and messages name fields (``max_screening``).
Faces import these modules, never ``jobagent.store``, ``jobagent.queue`` or ``jobagent.monitoring``
(checked by tests/unit/test_import_layers.py). Submodules are imported on use, so ``import jobagent.api``
stays cheap for the CLI's start-up.

Every public function documents its parameters (``settings`` and ``actor``, taken by most, are not repeated:
the settings to use instead of the environment's, and who is asking) and shows an example, as arq's ``cron()``
does. ``erasure`` holds the steps of ``profiles.delete_profile`` and is not part of the surface.
tests/unit/test_api_surface.py pins ``__all__`` here and in each module.
"""

__all__ = ["board", "maintenance", "ops", "postings", "profiles", "runs", "sources", "telemetry", "tokens", "why_not"]
