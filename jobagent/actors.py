"""Who is asking: the owner name and admin flag every core API call is scoped by (issue 23 item 8).

A leaf module (no imports from jobagent) so that the store's lookups and the core API can both use it
without a cycle. The faces build one: the CLI on the box is the operator (``OPERATOR``), the HTTP shim
maps each bearer token to the actor it belongs to (``jobagent.api.tokens.authenticate``).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["OPERATOR", "Actor"]


@dataclass(frozen=True)
class Actor:
    """``name`` owns what this actor creates (None: the operator, whose rows have a NULL owner);
    ``admin`` sees and changes every owner's rows, a non-admin only its own."""

    name: str | None
    admin: bool = False

    def sees(self, owner: str | None) -> bool:
        """Whether a row with this owner is visible; a user never sees the operator's (NULL) rows."""
        return self.admin or (self.name is not None and owner == self.name)

    @property
    def scope(self) -> str | None:
        """The owner a listing is restricted to, or None for no restriction (admins)."""
        return None if self.admin else self.name


OPERATOR = Actor(name=None, admin=True)
