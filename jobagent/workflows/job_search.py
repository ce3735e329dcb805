"""Job search: profile → discovery → matching → research → fabrication → completion → delivery.

Each node does its domain work through ``jobagent.postings``; this module only moves data between the
context and the store, so every step can be resumed from its snapshot.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import delete, select

from jobagent.errors import PermanentFailure
from jobagent.postings.location_fit import RADIUS_KM
from jobagent.postings.schema import MatchResult, PostingData, ProfileFacts
from jobagent.redaction import redact_source, redact_text
from jobagent.store.models import CompanyResearch, Match, Posting, UserProfile, utcnow
from jobagent.store.session import session_scope
from jobagent.workflows.engine import Node, NodeEnv, Workflow


class JobSearchContext(BaseModel):
    query: str
    location: str | None = None
    profile_id: str | None = None
    num_results: int = 10
    radius_km: float = RADIUS_KM  # the commute radius location_fit uses (issue 24 §3)
    max_screening: int = 5
    sources: list[str] | None = None
    filters: dict[str, Any] = Field(default_factory=dict)
    letter_language: str | None = None  # issue 25 §6: the user's choice; None = each posting's own language
    filtered_out: dict[str, int] = Field(default_factory=dict)
    source_failures: dict[str, str] = Field(default_factory=dict)
    profile: ProfileFacts | None = None
    profile_filters: dict[str, Any] = Field(default_factory=dict)
    posting_ids: list[str] = Field(default_factory=list)
    new_postings: int = 0
    # Postings index (issue 12): how much of the store the search looked at, and title synonyms for matching.
    searched: int = 0
    sources_searched: int = 0
    title_aliases: list[str] = Field(default_factory=list)
    matches: list[MatchResult] = Field(default_factory=list)
    company_notes: dict[str, str] = Field(default_factory=dict)
    cover_letters: list[str] = Field(default_factory=list)
    tailored_cvs: list[dict[str, str]] = Field(default_factory=list)  # issue 13: per kept match, MD + DOCX
    report_path: str | None = None
    html_report_path: str | None = None
    delivered: int = 0
    already_delivered: int = 0
    delivery_failures: dict[str, str] = Field(default_factory=dict)
    closed_before_delivery: dict[str, str] = Field(default_factory=dict)  # posting id -> why it was held back
    warnings: list[str] = Field(default_factory=list)
    board_states: list[str] = Field(default_factory=list)  # the board (issue 14): each match's state, in order
    # Why-not (issue 24 §2): one record per candidate, written when matching (postings.why_not).
    candidate_fates: list[dict[str, Any]] = Field(default_factory=list)


def _posting_data(row: Posting) -> PostingData:
    return PostingData.model_validate({name: getattr(row, name) for name in PostingData.model_fields})


class ProfileRetrievalNode(Node[JobSearchContext]):
    name = "ProfileRetrievalNode"

    def run(self, ctx: JobSearchContext, env: NodeEnv) -> None:
        if ctx.profile_id is None:
            # A search without a profile still matches on the query and location alone.
            ctx.profile = ProfileFacts(name="", email="", location=ctx.location, suggested_titles=[ctx.query])
            return
        with session_scope() as s:
            p = s.get(UserProfile, ctx.profile_id)
            if p is None:
                raise PermanentFailure(f"profile {ctx.profile_id} not found")
            ctx.profile = ProfileFacts(
                name=p.name, email=p.email, location=p.location, skills=list(p.skills),
                years_experience=p.years_experience, titles_held=list(p.titles_held),
                suggested_titles=list(p.suggested_titles), experience=list(p.experience or []),
                education=list(p.education or []), certifications=list(p.certifications or []),
                languages=list(p.languages or []), level=p.level, field=p.field,
                relocate=bool(p.relocate), relocate_to=list(p.relocate_to or []),
            )
            ctx.profile_filters = dict(p.filters or {})
        ctx.location = ctx.location or ctx.profile.location


class DiscoveryNode(Node[JobSearchContext]):
    """Candidates from every open posting in the store (or only ``sources``' ones); never a live fetch of its own.

    Ad-hoc sources older than JOBAGENT_SOURCE_FRESHNESS, and default sources never harvested (the embedded
    demo's first search), are harvested first by ``postings.harvest``; see ``postings.search.discover``.
    """

    name = "DiscoveryNode"

    def run(self, ctx: JobSearchContext, env: NodeEnv) -> None:
        from jobagent.postings.search import discover

        found = discover(ctx.query, ctx.profile, ctx.sources, env.settings, near=ctx.location)
        ctx.source_failures, ctx.new_postings = found.failures, found.new_postings
        ctx.posting_ids, ctx.searched, ctx.sources_searched = found.posting_ids, found.searched, found.sources
        ctx.title_aliases = found.title_aliases


class MatchingNode(Node[JobSearchContext]):
    name = "MatchingNode"

    def run(self, ctx: JobSearchContext, env: NodeEnv) -> None:
        from functools import partial

        from jobagent.postings import why_not
        from jobagent.postings.filters import PostingFilters, apply_filters
        from jobagent.postings.matching import SCORE_FLOOR, rank_postings, screen
        from jobagent.postings.place_warnings import place_warnings

        assert ctx.profile is not None
        ctx.warnings.extend(place_warnings(ctx.location, ctx.profile_id))
        with session_scope() as s:
            rows = s.scalars(select(Posting).where(Posting.id.in_(ctx.posting_ids))).all()
            settled = _on_board(s, ctx.profile_id, rows)
            pairs = [(r.id, _posting_data(r)) for r in rows if r.id not in settled]
        postings, ids = [p for _, p in pairs], {id(p): pid for pid, p in pairs}
        # The profile's standing filters and this search's own apply together; the stricter wins.
        filters = PostingFilters.model_validate(ctx.profile_filters).merged(PostingFilters.model_validate(ctx.filters))
        filter_with = partial(apply_filters, filters=filters)
        screen_with = partial(screen, ctx.profile, query=ctx.query, location=ctx.location,
                              wanted_types=filters.employment_types)
        kept, dropped = filter_with(postings)
        after_filters = kept
        kept, screened = screen_with(kept)
        ctx.filtered_out = {reason: n for reason, n in {**dropped, **screened}.items() if n}
        if settled:
            ctx.filtered_out[REASON_ON_BOARD] = len(settled)
        # Title synonyms (issue 12) count as wanted titles, so "SRE" scores like "Site Reliability Engineer".
        wanted = ctx.profile.model_copy(update={"suggested_titles": [*ctx.profile.suggested_titles,
                                                                     *ctx.title_aliases]})
        ranked = rank_postings(wanted, kept, query=ctx.query, location=ctx.location, radius_km=ctx.radius_km)
        above = [m for m in ranked if m.score >= SCORE_FLOOR]
        if len(above) < len(ranked):
            ctx.filtered_out[why_not.REASON_FLOOR] = len(ranked) - len(above)
        ctx.matches = above[:ctx.max_screening]
        if len(above) > len(ctx.matches):  # never dropped without a word: these scored below the shown ones
            ctx.filtered_out[f"ranked below the top {ctx.max_screening}"] = len(above) - len(ctx.matches)
        ctx.candidate_fates = why_not.record_fates(
            ids, filtered=why_not.reasons_one_by_one(postings, after_filters, filter_with),
            screened=why_not.reasons_one_by_one(after_filters, kept, screen_with),
            on_board=sorted(settled), on_board_reason=REASON_ON_BOARD, ranked=ranked, floor=SCORE_FLOOR,
            shown=ctx.max_screening)


# The board (issue 14): postings the profile saved, skipped or applied to (or copies of those) are not ranked,
# so they never reach a report or a digest again.
REASON_ON_BOARD = "already on the board (saved, applied or skipped)"


def _on_board(s: Any, profile_id: str | None, rows: Any) -> set[str]:
    from jobagent.postings.board import excluded_postings

    if profile_id is None:
        return set()
    return excluded_postings(s, profile_id, [(r.id, r.company, r.title) for r in rows])


class ResearchNode(Node[JobSearchContext]):
    """Company notes from every posting the store holds for the company, plus (optionally) its website.

    Notes are cached per company, so a daily search across many profiles researches each company once.
    """

    name = "ResearchNode"

    def run(self, ctx: JobSearchContext, env: NodeEnv) -> None:
        for company in sorted({m.posting.company for m in ctx.matches}):
            ctx.company_notes[company] = _research(company, env.settings)


def _research(company: str, cfg: Any) -> str:
    from datetime import timedelta

    from sqlalchemy.exc import IntegrityError

    from jobagent.postings.filters import normalize_company
    from jobagent.postings.research import company_notes

    key = normalize_company(company)[:300] or company[:300]
    with session_scope() as s:
        cached = s.get(CompanyResearch, key)
        if cached and utcnow() - cached.researched_at < timedelta(hours=cfg.research_cache_hours):
            return cached.notes
        rows = [_posting_data(r) for r in s.scalars(select(Posting).where(Posting.company == company))]
    notes = company_notes(company, rows)
    website = next((r.company_url for r in rows if r.company_url), None)
    excerpt = None
    if cfg.research_fetch_websites and website:
        excerpt, line = _website(website, cfg)
        notes += f"\n{line}"
    try:
        with session_scope() as s:
            s.merge(CompanyResearch(company_key=key, company=company, notes=notes, website_text=excerpt,
                                    researched_at=utcnow()))
    except IntegrityError:  # another search cached it at the same moment; its notes are as good
        pass
    return notes


def _website(url: str, cfg: Any) -> tuple[str | None, str]:
    from jobagent.errors import JobagentError
    from jobagent.fetching import fetch_url
    from jobagent.postings.research import website_excerpt

    try:
        doc = fetch_url(url, max_bytes=cfg.research_max_bytes, timeout=cfg.http_timeout,
                        allow_private=cfg.allow_private_urls)
    except JobagentError as exc:  # a research extra: never worth failing the search over (any fetch error)
        return None, f"- Website not read: {exc}"
    excerpt = website_excerpt(doc.content)
    return excerpt, f'- From {url}: "{excerpt}"'


class FabricationNode(Node[JobSearchContext]):
    name = "FabricationNode"

    def run(self, ctx: JobSearchContext, env: NodeEnv) -> None:
        from jobagent.postings.letters import write_grounded_letter
        from jobagent.postings.tailored_cv import write_tailored_cv

        assert ctx.profile is not None
        ctx.cover_letters = []
        ctx.tailored_cvs = []
        for rank, m in enumerate(ctx.matches, start=1):
            if not ctx.profile.name:
                ctx.cover_letters.append("")  # no profile: nothing true to write about
                continue
            if ctx.profile.experience:
                with env.fenced():  # not once the profile is deleted (issue 23 §4)
                    ctx.tailored_cvs.append(write_tailored_cv(
                        ctx.profile, m, env.settings.reports_dir / env.run_id / "tailored", rank,
                        ctx.letter_language))
            # Repaired by dropping unsupported sentences, or no letter (better than a false one); warnings say why.
            letter, why = write_grounded_letter(ctx.profile, m, ctx.company_notes.get(m.posting.company, ""),
                                                templates_dir=env.settings.templates_dir,
                                                language=ctx.letter_language)
            ctx.warnings.extend(why)
            if not letter:
                ctx.cover_letters.append("")
                continue
            if env.settings.llm_base_url:
                letter, why_not = _llm_letter(ctx.profile, m, letter, env.settings, ctx.letter_language)
                if why_not:
                    ctx.warnings.append(why_not)
            ctx.cover_letters.append(letter)


def _llm_letter(profile: ProfileFacts, match: MatchResult, fallback: str, cfg: Any,
                language: str | None) -> tuple[str, str | None]:
    from jobagent.postings.llm_letters import LLMConfig, llm_cover_letter
    from jobagent.postings.phrases import posting_letter_language

    config = LLMConfig(base_url=cfg.llm_base_url, model=cfg.llm_model, api_key=cfg.llm_api_key,
                       timeout=cfg.http_timeout, allow_private=cfg.allow_private_urls)
    return llm_cover_letter(config, profile, match, fallback, posting_letter_language(match.posting, language))


class CompletionNode(Node[JobSearchContext]):
    """Stores the matches; replacing the run's rows keeps a retried node from adding twins."""

    name = "CompletionNode"

    def run(self, ctx: JobSearchContext, env: NodeEnv) -> None:
        with env.fenced() as s:  # letters and board rows never outlive a deleted profile (issue 23 §4)
            s.execute(delete(Match).where(Match.run_id == env.run_id))
            found: list[tuple[str, float]] = []
            for rank, (m, letter) in enumerate(zip(ctx.matches, ctx.cover_letters, strict=True), start=1):
                found.append((_posting_id(s, m.posting), m.score))
                s.add(Match(run_id=env.run_id, posting_id=found[-1][0], rank=rank, score=m.score,
                            reasons=m.reasons, company_notes=ctx.company_notes.get(m.posting.company),
                            cover_letter=letter or None, score_parts=m.score_parts or None))
            if ctx.profile_id:  # the board (issue 14): same transaction, so matches and board agree
                from jobagent.postings.board import record_matches

                s.flush()
                states = record_matches(s, ctx.profile_id, env.run_id, found)
                ctx.board_states = [states.get(pid, "new") for pid, _ in found]


class DeliveryNode(Node[JobSearchContext]):
    """Reports for every run; email and webhook only for postings this profile has not been sent before.

    A channel that fails is named in the result and its postings stay undelivered, so the next search
    offers them again; the matches already stored are untouched either way.
    """

    name = "DeliveryNode"

    def run(self, ctx: JobSearchContext, env: NodeEnv) -> None:
        from jobagent.postings.reports import write_html_report, write_report

        rows = [(m, ctx.company_notes.get(m.posting.company, ""), letter)
                for m, letter in zip(ctx.matches, ctx.cover_letters, strict=True)]
        name = ctx.profile.name if ctx.profile else ""
        base = env.settings.reports_dir / env.run_id
        report: dict[str, Any] = dict(query=ctx.query, location=ctx.location, profile_name=name, matches=rows)
        with env.fenced():  # the reports name the person: not once the profile is deleted (issue 23 §4)
            ctx.report_path = str(write_report(base.with_suffix(".md"), **report))
            ctx.html_report_path = str(write_html_report(base.with_suffix(".html"), statuses=ctx.board_states,
                                                         **report))
        if ctx.profile_id and ctx.matches:
            self._notify(ctx, env)

    def _notify(self, ctx: JobSearchContext, env: NodeEnv) -> None:
        """Each channel sends what it has not sent this profile and is recorded at once (postings.channels)."""
        from jobagent.postings import channels as ch
        from jobagent.postings.liveness_check import recheck_before_delivery
        from jobagent.postings.notify import SmtpConfig, digest_text, post_webhook, send_digest

        cfg = env.settings
        if not ch.configured_channels(cfg):
            return
        assert ctx.profile is not None and ctx.profile_id is not None
        profile, profile_id = ctx.profile, ctx.profile_id

        def email(channel: str, fresh: list[MatchResult]) -> None:
            smtp = SmtpConfig(host=str(cfg.smtp_host), port=cfg.smtp_port, sender=cfg.smtp_sender,
                              username=cfg.smtp_username, password=cfg.smtp_password, starttls=cfg.smtp_starttls,
                              timeout=cfg.http_timeout)
            send_digest(smtp, profile.email, f"{len(fresh)} new matches for {ctx.query}",
                        digest_text(ctx.query, ctx.location, fresh, ctx.report_path),
                        message_id=ch.message_id(env.run_id, channel, cfg.smtp_sender))

        def webhook(channel: str, fresh: list[MatchResult]) -> None:
            post_webhook(str(cfg.webhook_url), ch.payload(env.run_id, profile_id, ctx.query, fresh),
                         allow_private=cfg.allow_private_urls, timeout=cfg.http_timeout,
                         idempotency_key=ch.idempotency_key(env.run_id, channel))

        senders: dict[str, ch.Sender] = {name: fn for name, fn in ((ch.EMAIL, email), (ch.WEBHOOK, webhook))
                   if name in ch.configured_channels(cfg)}
        with session_scope() as s:
            posting_ids = [_posting_id(s, m.posting) for m in ctx.matches]
        env.check_lease()
        # A last look before the digest (issue 24 §5): a posting closed since the search is never sent.
        closed = recheck_before_delivery(posting_ids, cfg)
        ctx.closed_before_delivery = closed
        kept = [(m, pid) for m, pid in zip(ctx.matches, posting_ids, strict=True) if pid not in closed]
        outcome = ch.deliver(profile_id, env.run_id, [m for m, _ in kept], [pid for _, pid in kept], senders,
                             before_send=env.check_lease, transaction=env.fenced)
        ctx.delivered, ctx.already_delivered = outcome.delivered, outcome.already_delivered
        ctx.delivery_failures.update(outcome.failures)


def _posting_id(s: Any, posting: PostingData) -> str:
    from jobagent.postings.dedup import posting_fingerprint

    return str(s.scalar(select(Posting.id).where(Posting.fingerprint == posting_fingerprint(posting))))


def _result(ctx: JobSearchContext) -> dict[str, Any]:
    return {
        "query": ctx.query,
        "location": ctx.location,
        "radius_km": ctx.radius_km,
        "profile_id": ctx.profile_id,
        "postings_found": len(ctx.posting_ids),
        "new_postings": ctx.new_postings,
        "searched": ctx.searched,
        "candidates": len(ctx.posting_ids),
        "search": (f"searched {ctx.searched:,} open postings from {ctx.sources_searched} sources; "
                   f"scored {len(ctx.posting_ids)} candidates; kept {len(ctx.matches)}"),
        "sources": [redact_source(spec) for spec in ctx.sources or []],  # shown by status: no credentials
        "source_failures": {redact_source(spec): redact_text(why) for spec, why in ctx.source_failures.items()},
        "filtered_out": ctx.filtered_out,
        "matches": len(ctx.matches),
        "top": [{"title": m.posting.title, "company": m.posting.company, "score": round(m.score, 1)}
                for m in ctx.matches[:3]],
        "report_path": ctx.report_path,
        "html_report_path": ctx.html_report_path,
        "delivered": ctx.delivered,
        "already_delivered": ctx.already_delivered,
        "delivery_failures": ctx.delivery_failures,
        "closed_before_delivery": len(ctx.closed_before_delivery),
        "tailored_cvs": ctx.tailored_cvs,
        "warnings": ctx.warnings,
    }


WORKFLOW = Workflow(
    kind="job_search",
    context_model=JobSearchContext,
    nodes=[ProfileRetrievalNode(), DiscoveryNode(), MatchingNode(), ResearchNode(), FabricationNode(),
           CompletionNode(), DeliveryNode()],
    result=_result,
)
