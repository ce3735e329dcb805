"""``jobagent monitor``, ``reconcile`` and ``retry``: health, alerts and recovering lost work."""

from __future__ import annotations
