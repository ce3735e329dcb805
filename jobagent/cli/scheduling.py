"""``jobagent scheduler`` and ``jobagent schedule ...``: the daily search and other periodic tasks."""

from __future__ import annotations
