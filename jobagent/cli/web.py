"""``jobagent serve`` and ``jobagent dev``: the HTTP shim and the local development stack."""

from __future__ import annotations
