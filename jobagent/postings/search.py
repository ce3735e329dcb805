"""Search the postings store: full-text candidates from every open posting, then the matcher scores them.

The candidate query ORs the search query, the profile's suggested titles and its strongest skills, each
expanded with the shipped title synonyms ("SRE" ↔ "Site Reliability Engineer"): OR for recall, because
the matcher (``matching.rank_postings``) decides the order afterwards, on every candidate. PostgreSQL ranks
title matches with ``ts_rank_cd`` over ``posting_titles`` (a narrow, trigger-kept title tsvector) and fills
up from the generated ``search_vector`` (title weight A, description B, GIN index); SQLite uses FTS5's
``bm25()`` (title weighted 10:1). A search never fetches a source.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from itertools import combinations
from typing import Any

from sqlalchemy import exists, func, select, text
from sqlalchemy.orm import Session

from jobagent.postings.indexing import Slot, query_slots, text_slots
from jobagent.postings.near_candidates import TitleMatches, near_first
from jobagent.postings.schema import ProfileFacts
from jobagent.store.models import Posting, PostingSource, SourceState
from jobagent.text import words

MAX_SKILLS = 8  # the first skills of a profile are its strongest (extraction orders them by evidence)
_LEVEL_WORDS = frozenset({"senior", "sr", "junior", "jr", "lead", "staff", "principal", "head", "intern", "m",
                          "f", "d", "w", "x", "h", "mwd", "gn"})


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
    """Abbreviations (``title_synonyms.txt``) and the same role in the six languages
    (``title_translations.txt``, issue 25 §4): an English search finds "Elektroniker für Betriebstechnik"."""
    data = resources.files("jobagent") / "data"
    raw = "\n".join((data / name).read_text(encoding="utf-8")
                    for name in ("title_synonyms.txt", "title_translations.txt"))
    groups = []
    for line in raw.splitlines():
        line = line.split("#", 1)[0].strip()
        members = tuple(dict.fromkeys(m.strip() for m in line.split("|") if m.strip()))
        if len(members) > 1:
            groups.append(members)
    return tuple(groups)


def _norm(text: str) -> str:
    return " ".join(words(text))


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


def _drop(term: str) -> frozenset[str]:
    return _LEVEL_WORDS if len(term.split()) > 1 else frozenset()


def _words(term: str) -> list[Slot]:
    """One slot per word of ``term`` (level words are the matcher's business unless they are the term)."""
    return query_slots(term, drop=_drop(term))


def search_terms(query: str, profile: ProfileFacts | None) -> list[str]:
    """Every phrase the search looks for: titles with their synonyms, then the strongest skills."""
    titles, skills = _titles(query, profile), _skills(profile)
    return list(dict.fromkeys([*titles, *skills]))


def _titles(query: str, profile: ProfileFacts | None) -> list[str]:
    titles = [t for t in [query, *(profile.suggested_titles if profile else [])] if t.strip()]
    titles += [a for t in list(titles) for a in aliases(t)]
    return list(dict.fromkeys(n for n in map(_norm, titles) if n))


def _skills(profile: ProfileFacts | None) -> list[str]:
    return list(dict.fromkeys(n for n in map(_norm, (profile.skills if profile else [])[:MAX_SKILLS]) if n))


Group = list[Slot]  # every slot must match


def _unique(groups: list[Group]) -> list[Group]:
    return [list(g) for g in dict.fromkeys(tuple(g) for g in groups if g)]


def _title_groups(titles: list[str]) -> list[Group]:
    """One AND group per title: all of its role words ("senior" and the like are left to the matcher)."""
    return _unique([_words(t) for t in titles])


def _skill_groups(skills: list[str], titles: list[str], slots: Any = None) -> list[Group]:
    """Postings naming two of the strongest skills (or one when the profile lists one), or a wanted title
    anywhere in the text: the description-side pass, selective enough to stay fast on 100,000 postings.
    ``slots`` makes the slots of one term (``text_slots`` for PostgreSQL's unfolded description index)."""
    make = slots or query_slots
    per_skill = [g for g in (make(s, drop=_drop(s)) for s in skills) if g]
    groups = [list(dict.fromkeys(a + b)) for a, b in combinations(per_skill, 2)]
    if len(skills) == 1 and per_skill:
        groups.append(per_skill[0])
    return _unique([*groups, *(make(t, drop=_drop(t)) for t in titles)])


def pg_tsquery(groups: list[Group]) -> str:
    def slot(alternatives: Slot) -> str:
        return alternatives[0] if len(alternatives) == 1 else f"({' | '.join(alternatives)})"

    return " | ".join(f"({' & '.join(map(slot, g))})" if len(g) > 1 else slot(g[0]) for g in groups)


def fts5_query(groups: list[Group], column: str | None = None) -> str:
    def slot(alternatives: Slot) -> str:
        quoted = ['"' + a.replace('"', "") + '"' for a in alternatives]
        return quoted[0] if len(quoted) == 1 else f"({' OR '.join(quoted)})"

    body = " OR ".join(f"({' AND '.join(map(slot, g))})" if len(g) > 1 else slot(g[0]) for g in groups)
    return f"{column} : ({body})" if column else body


def _scope(sources: list[str] | None) -> list[Any]:
    where: list[Any] = [Posting.closed_at.is_(None)]
    if sources:
        where.append(exists().where(PostingSource.posting_id == Posting.id, PostingSource.source.in_(sources)))
    return where


def _scope_sql(sources: list[str] | None, params: dict[str, Any], *, open_sql: str = "p.closed_at IS NULL",
               id_sql: str = "p.id") -> str:
    clauses = [open_sql]
    if sources:
        marks = ", ".join(f":s{i}" for i in range(len(sources)))
        clauses.append(f"EXISTS (SELECT 1 FROM posting_sources ps WHERE ps.posting_id = {id_sql} "
                       f"AND ps.source IN ({marks}))")
        params.update({f"s{i}": s for i, s in enumerate(sources)})
    return " AND ".join(clauses)


def find_candidates(session: Session, query: str, profile: ProfileFacts | None, *, sources: list[str] | None = None,
                    limit: int = 300, near: str | None = None) -> SearchResult:
    """The ``limit`` open postings the full-text index ranks highest for this query and profile.

    Two passes, because ranking every posting that shares a common word ("engineer") is what makes a naive
    OR query slow on 100,000 postings: first postings whose *title* holds a wanted title (ranked on the
    small title index), then, to fill up, postings whose text names two of the profile's strongest skills
    or a wanted title, ordered by how many title words they share. ``near``: the person's location; when the
    title pass is full, postings in that city get a share of the room (``near_candidates``).
    """
    titles, skills = _titles(query, profile), _skills(profile)
    result = SearchResult(terms=[*titles, *skills])
    where = _scope(sources)
    result.searched = int(session.scalar(select(func.count()).select_from(Posting).where(*where)) or 0)
    result.sources = len(sources) if sources else int(session.scalar(
        select(func.count()).select_from(SourceState)) or 0)
    title_groups = _title_groups(titles)
    if not title_groups or not result.searched:
        return result
    params: dict[str, Any] = {"n": limit}
    scope = _scope_sql(sources, params)
    # Titles that hold only some of a wanted title's words ("Coded Welder" for "Welder Fabricator"): a pass of
    # their own after the exact ones, given at most half the room left, so a common word cannot crowd out
    # the postings whose descriptions name the person's skills.
    ranked = [[w] for w in dict.fromkeys(w for g in title_groups for w in g)]
    loose = ranked if any(len(g) > 1 for g in title_groups) else []
    near_pg = TitleMatches("t.posting_id", "FROM posting_titles t JOIN postings p ON p.id = t.posting_id, "
                           "to_tsquery('simple', :qt) qt WHERE t.title_vector @@ qt AND "
                           f"{_scope_sql(sources, params, open_sql='t.open', id_sql='t.posting_id')}",
                           "ts_rank_cd(t.title_vector, qt) DESC")
    near_sqlite = TitleMatches("p.id", "FROM postings_fts JOIN postings p ON p.rowid = postings_fts.rowid WHERE "
                               f"postings_fts MATCH :qf AND {scope}", "bm25(postings_fts, 10.0, 1.0)")
    if session.get_bind().dialect.name != "postgresql":
        result = _sqlite_candidates(session, result, [title_groups, loose], _skill_groups(skills, titles), sources,
                                    limit)
        result.posting_ids = near_first(session, result.posting_ids, near, limit, near_sqlite,
                                        {**params, "qf": fts5_query(title_groups, "search_title")})
        return result
    params.update(qt=pg_tsquery(title_groups), qs=pg_tsquery(_skill_groups(skills, titles, text_slots)),
                  qw=pg_tsquery(ranked))
    # The title side is ``search_title`` (already folded and stemmed in Python) under the ``simple`` config;
    # the description side stays PostgreSQL's english vector, which the unfolded text slots reach.
    title_scope = _scope_sql(sources, params, open_sql="t.open", id_sql="t.posting_id")
    first = ("SELECT t.posting_id FROM posting_titles t, to_tsquery('simple', :qt) qt "
             f"WHERE t.title_vector @@ qt AND {title_scope} "
             "ORDER BY ts_rank_cd(t.title_vector, qt) DESC, t.posting_id LIMIT :n")
    fill = ("SELECT p.id FROM postings p JOIN posting_titles t ON t.posting_id = p.id, "
            "to_tsquery('english', :qs) qs, to_tsquery('simple', :qw) qw "
            f"WHERE p.search_vector @@ qs AND NOT (t.title_vector @@ to_tsquery('simple', :qt)) AND {scope} "
            "ORDER BY ts_rank(t.title_vector, qw) DESC, p.posted_at DESC NULLS LAST, p.id LIMIT :m")
    partial = ("SELECT t.posting_id FROM posting_titles t, to_tsquery('simple', :qw) qw "
               f"WHERE t.title_vector @@ qw AND NOT (t.title_vector @@ to_tsquery('simple', :qt)) AND {title_scope} "
               "ORDER BY ts_rank_cd(t.title_vector, qw) DESC, t.posting_id LIMIT :m")
    ids = near_first(session, [row[0] for row in session.execute(text(first), params)], near, limit, near_pg,
                     params)
    if loose and len(ids) < limit:
        ids += [row[0] for row in session.execute(text(partial), {**params, "m": max(1, (limit - len(ids)) // 2)})]
    if len(ids) < limit:
        seen = set(ids)
        ids += [row[0] for row in session.execute(text(fill), {**params, "m": limit - len(ids)})
                if row[0] not in seen]
    result.posting_ids = ids
    return result


def _sqlite_candidates(session: Session, result: SearchResult, title_passes: list[list[Group]],
                       text_groups: list[Group], sources: list[str] | None, limit: int) -> SearchResult:
    """FTS5 ranks on its own tables first; only the best rowids are then checked against ``postings`` (open,
    in scope). Joining every match to ``postings`` read each wide row (``closed_at`` sits after the
    description) for thousands of matches; the joined query remains the fallback when many are closed."""
    params: dict[str, Any] = {}
    scope = _scope_sql(sources, params)
    ids: list[str] = []
    seen_rowids: set[int] = set()
    passes = [(title_passes[0], "search_title", limit), (title_passes[1], "search_title", None),
              (text_groups, None, limit)]
    for match, column, cap in passes:
        want = limit - len(ids) if cap is not None else max(1, (limit - len(ids)) // 2)
        if want <= 0:
            break
        if not match:
            continue
        q = fts5_query(match, column)
        rowids = [r for r, in session.execute(text(
            "SELECT rowid FROM postings_fts WHERE postings_fts MATCH :q ORDER BY bm25(postings_fts, 10.0, 1.0), "
            "rowid LIMIT :k"), {"q": q, "k": 2 * want + len(seen_rowids)}) if r not in seen_rowids]
        seen_rowids.update(rowids)
        if not rowids:
            continue
        marks = ", ".join(f":r{i}" for i in range(len(rowids)))
        found: dict[int, str] = dict(session.execute(
            text(f"SELECT p.rowid, p.id FROM postings p WHERE p.rowid IN ({marks}) AND {scope}"),
            {**params, **{f"r{i}": r for i, r in enumerate(rowids)}}).all())
        kept = [found[r] for r in rowids if r in found][:want]
        if len(kept) < want and len(rowids) == 2 * want:  # many closed or out of scope: rank in the join
            kept = [row[0] for row in session.execute(text(
                "SELECT p.id FROM postings_fts JOIN postings p ON p.rowid = postings_fts.rowid WHERE "
                f"postings_fts MATCH :q AND {scope} ORDER BY bm25(postings_fts, 10.0, 1.0), p.id LIMIT :n"),
                {**params, "q": q, "n": want}) if row[0] not in ids]
        ids += [i for i in kept if i not in ids]
    result.posting_ids = ids[:limit]
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


def discover(query: str, profile: ProfileFacts | None, sources: list[str] | None, settings: Any,
             near: str | None = None) -> Discovery:
    """What ``DiscoveryNode`` does: make sure the sources it needs have been harvested, then search the store.

    Named sources are harvested when their last good harvest is older than JOBAGENT_SOURCE_FRESHNESS (so a
    repeated search within the hour fetches nothing); default sources only when never harvested at all (the
    scheduled harvest keeps them current). A source that fails is reported; its stored postings still count.
    """
    from jobagent.postings.harvest import harvest_sources, never_harvested, search_sources
    from jobagent.postings.sources.base import SourcesRefused, SourcesUnavailable
    from jobagent.store.session import session_scope

    if sources:
        reports = harvest_sources(list(sources), settings, fresh_within=settings.source_freshness)
    else:
        first = never_harvested(search_sources(settings))
        reports = harvest_sources(first, settings) if first else []
    failed = [r for r in reports if r.outcome == "failed"]
    with session_scope() as s:
        found = find_candidates(s, query, profile, sources=sources, limit=settings.search_candidates, near=near)
    if sources and failed and len(failed) == len(sources) and not found.searched:
        why = "; ".join(f"{r.source}: {r.error}" for r in failed)
        if all(r.permanent for r in failed):
            raise SourcesRefused(f"every posting source failed: {why}")
        raise SourcesUnavailable(f"every posting source failed: {why}")
    return Discovery(posting_ids=found.posting_ids, searched=found.searched, sources=found.sources,
                     new_postings=sum(r.new for r in reports), failures={r.source: r.error or "" for r in failed},
                     title_aliases=title_aliases(query, profile))
