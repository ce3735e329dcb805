"""``jobagent backup ...``: database dumps and the restore proof."""

from __future__ import annotations
