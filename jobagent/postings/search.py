"""Search the postings store: full-text candidates from every open posting, then the matcher scores them.

The candidate query ORs the search query, the profile's suggested titles and its strongest skills, each
expanded with the shipped title synonyms ("SRE" ↔ "Site Reliability Engineer"): OR for recall, because
the matcher (``matching.rank_postings``) decides the order afterwards, on every candidate. PostgreSQL ranks
with ``ts_rank_cd`` over the generated ``search_vector`` (title weight A, description B, GIN index); SQLite
with FTS5's ``bm25()`` (title weighted 10:1). A search never fetches a source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from sqlalchemy import exists, func, select, text
from sqlalchemy.orm import Session

from jobagent.postings.schema import ProfileFacts
from jobagent.store.models import Posting, PostingSource, SourceState

MAX_SKILLS = 8  # the first skills of a profile are its strongest (extraction orders them by evidence)
_LEVEL_WORDS = {"senior", "sr", "junior", "jr", "lead", "staff", "principal", "head", "intern", "the", "and",
                "of", "for", "in", "a", "an", "to", "m", "f", "d", "w", "x"}


@dataclass
class SearchResult:
    posting_ids: list[str] = field(default_factory=list)
    searched: int = 0  # open postings in scope
    sources: int = 0
    terms: list[str] = field(default_factory=list)

    def summary(self, kept: int) -> str:
        return (f"searched {self.searched:,} open postings from {self.sources} sources; "
                f"scored {len(self.posting_ids)} candidates; kept {kept}")


@lru_cache(maxsize=1)
def synonym_groups() -> tuple[tuple[str, ...], ...]:
    raw = (resources.files("jobagent") / "data" / "title_synonyms.txt").read_text(encoding="utf-8")
    groups = []
    for line in raw.splitlines():
        line = line.split("#", 1)[0].strip()
        members = tuple(m.strip() for m in line.split("|") if m.strip())
        if len(members) > 1:
            groups.append(members)
    return tuple(groups)


def _norm(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9+#]+", text.lower()))


def aliases(term: str) -> list[str]:
    """``term`` rewritten with each synonym of a phrase it contains: "Senior SRE" -> "Senior Site Reliability
    Engineer"; whole words only, so "QA" does not fire inside "QAnon"."""
    norm = f" {_norm(term)} "
    out: list[str] = []
    for group in synonym_groups():
        for member in group:
            key = f" {_norm(member)} "
            if key.strip() and key in norm:
                out.extend(norm.replace(key, f" {_norm(other)} ").strip() for other in group if other != member)
    return [a for a in dict.fromkeys(out) if a != norm.strip()]


def search_terms(query: str, profile: ProfileFacts | None) -> list[str]:
    titles = [query, *(profile.suggested_titles if profile else [])]
    skills = (profile.skills if profile else [])[:MAX_SKILLS]
    terms = [t for t in titles if t.strip()]
    terms += [a for t in list(terms) for a in aliases(t)]
    terms += [s for s in skills if s.strip()]
    return list(dict.fromkeys(t for t in (_norm(t) for t in terms) if t))


def _groups(terms: list[str]) -> list[list[str]]:
    """Each term's words (an AND group), plus each role word of a title on its own, for recall."""
    seen: dict[tuple[str, ...], None] = {}
    for term in terms:
        words = [w for w in re.findall(r"[a-z0-9]+", term) if w]
        if words:
            seen.setdefault(tuple(words), None)
        for w in words:
            if w not in _LEVEL_WORDS and len(w) > 1:
                seen.setdefault((w,), None)
    return [list(g) for g in seen]


def pg_tsquery(terms: list[str]) -> str:
    return " | ".join(f"({' & '.join(g)})" if len(g) > 1 else g[0] for g in _groups(terms))


def fts5_query(terms: list[str]) -> str:
    def quoted(w: str) -> str:
        return '"' + w.replace('"', "") + '"'

    return " OR ".join(f"({' AND '.join(map(quoted, g))})" if len(g) > 1 else quoted(g[0]) for g in _groups(terms))


def _scope(sources: list[str] | None) -> list[Any]:
    where: list[Any] = [Posting.closed_at.is_(None)]
    if sources:
        where.append(exists().where(PostingSource.posting_id == Posting.id, PostingSource.source.in_(sources)))
    return where


def find_candidates(session: Session, query: str, profile: ProfileFacts | None, *, sources: list[str] | None = None,
                    limit: int = 300) -> SearchResult:
    """The ``limit`` open postings the full-text index ranks highest for this query and profile."""
    terms = search_terms(query, profile)
    result = SearchResult(terms=terms)
    where = _scope(sources)
    result.searched = int(session.scalar(select(func.count()).select_from(Posting).where(*where)) or 0)
    result.sources = len(sources) if sources else int(session.scalar(
        select(func.count()).select_from(SourceState)) or 0)
    if not terms or not result.searched:
        return result
    clauses = ["p.closed_at IS NULL"]
    params: dict[str, Any] = {"n": limit}
    if sources:
        marks = ", ".join(f":s{i}" for i in range(len(sources)))
        clauses.append("EXISTS (SELECT 1 FROM posting_sources ps WHERE ps.posting_id = p.id "
                       f"AND ps.source IN ({marks}))")
        params.update({f"s{i}": s for i, s in enumerate(sources)})
    if session.get_bind().dialect.name == "postgresql":
        params["q"] = pg_tsquery(terms)
        sql = ("SELECT p.id FROM postings p, to_tsquery('english', :q) q WHERE p.search_vector @@ q AND "
               f"{' AND '.join(clauses)} ORDER BY ts_rank_cd(p.search_vector, q) DESC, p.id LIMIT :n")
    else:
        params["q"] = fts5_query(terms)
        sql = ("SELECT p.id FROM postings_fts JOIN postings p ON p.rowid = postings_fts.rowid "
               f"WHERE postings_fts MATCH :q AND {' AND '.join(clauses)} "
               "ORDER BY bm25(postings_fts, 10.0, 1.0), p.id LIMIT :n")
    result.posting_ids = [row[0] for row in session.execute(text(sql), params)]
    return result


def title_aliases(query: str, profile: ProfileFacts | None) -> list[str]:
    """The synonyms of the query and suggested titles, for the matcher's title comparison."""
    titles = [query, *(profile.suggested_titles if profile else [])]
    return list(dict.fromkeys(a for t in titles for a in aliases(t)))


@dataclass
class Discovery:
    posting_ids: list[str]
    searched: int
    sources: int
    new_postings: int
    failures: dict[str, str]
    title_aliases: list[str]


def discover(query: str, profile: ProfileFacts | None, sources: list[str] | None, settings: Any) -> Discovery:
    """What ``DiscoveryNode`` does: make sure the sources it needs have been harvested, then search the store.

    Named sources are harvested when their last good harvest is older than JOBAGENT_SOURCE_FRESHNESS (so a
    repeated search within the hour fetches nothing); default sources only when never harvested at all (the
    scheduled harvest keeps them current). A source that fails is reported; its stored postings still count.
    """
    from jobagent.errors import PermanentFailure, TransientFailure
    from jobagent.postings.harvest import harvest_sources, never_harvested
    from jobagent.store.session import session_scope

    if sources:
        reports = harvest_sources(list(sources), settings, fresh_within=settings.source_freshness)
    else:
        first = never_harvested(settings.default_sources())
        reports = harvest_sources(first, settings) if first else []
    failed = [r for r in reports if r.outcome == "failed"]
    with session_scope() as s:
        found = find_candidates(s, query, profile, sources=sources, limit=settings.search_candidates)
    if sources and failed and len(failed) == len(sources) and not found.searched:
        why = "; ".join(f"{r.source}: {r.error}" for r in failed)
        if all(r.permanent for r in failed):
            raise PermanentFailure(f"every posting source failed: {why}")
        raise TransientFailure(f"every posting source failed: {why}")
    return Discovery(posting_ids=found.posting_ids, searched=found.searched, sources=found.sources,
                     new_postings=sum(r.new for r in reports), failures={r.source: r.error or "" for r in failed},
                     title_aliases=title_aliases(query, profile))
