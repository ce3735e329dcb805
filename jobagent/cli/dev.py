"""``jobagent dev``: the whole local stack in one command, restarted when the code changes."""

from __future__ import annotations
