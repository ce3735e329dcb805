"""Search terms for the ``jobspy:SITE`` aggregators: what the stored profiles want, asked once per harvest.

An aggregator has no board to list; it answers searches. Asking it once per job search would make the
outbound requests grow with the number of searches (and get the server blocked), so the harvest asks it
for the union of what the profiles want instead: each profile's suggested titles at its location,
deduplicated across profiles, capped (``JOBAGENT_JOBSPY_MAX_QUERIES``). Searches then read the store.

The cap is filled round by round, every profile's first title before anyone's second, so one profile with
twenty suggested titles cannot crowd out the others.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from jobagent.text import normalize


@dataclass(frozen=True)
class Query:
    """One search an aggregator is asked: a title, and the place it is wanted in (None: anywhere)."""

    term: str
    location: str | None = None

    def key(self) -> tuple[str, str]:
        return normalize(self.term), normalize(self.location or "")


def plan_queries(profiles: Iterable[tuple[list[str], str | None]], cap: int) -> list[Query]:
    """At most ``cap`` distinct queries from (titles, location) pairs, one round of titles at a time.

    "Data Engineer" in "Berlin" from two profiles is asked once; case and spacing do not make it new.
    """
    wanted = [([" ".join(t.split()) for t in titles if isinstance(t, str) and t.strip()],
               " ".join(location.split()) if isinstance(location, str) and location.strip() else None)
              for titles, location in profiles]
    seen: set[tuple[str, str]] = set()
    out: list[Query] = []
    for rank in range(max((len(titles) for titles, _ in wanted), default=0)):
        for titles, location in wanted:
            if rank >= len(titles):
                continue
            query = Query(titles[rank], location)
            if query.key() in seen or not query.key()[0]:
                continue
            seen.add(query.key())
            out.append(query)
            if len(out) >= cap:
                return out
    return out


def stored_queries(cap: int) -> list[Query]:
    """The queries of every stored profile, oldest profile first (a stable order, so the cap is stable).

    A profile without suggested titles offers the titles it has held, so a fresh profile is not left out.
    """
    from sqlalchemy import select

    from jobagent.store.models import UserProfile
    from jobagent.store.session import session_scope

    with session_scope() as s:
        rows = s.execute(select(UserProfile.suggested_titles, UserProfile.titles_held, UserProfile.location)
                         .order_by(UserProfile.created_at, UserProfile.id)).all()
    return plan_queries(((list(suggested or []) or list(held or []), location) for suggested, held, location in rows),
                        cap)
