"""Profiling: from a name, an email and one or more CVs to a stored profile with suggested titles."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from jobagent.cv.confidence import uncertain
from jobagent.cv.intake import normalize_sources, validate_email, validate_name
from jobagent.cv.schema import ExtractedProfile
from jobagent.cv.storage import store_extracted
from jobagent.store.models import Run, UserProfile
from jobagent.workflows.engine import Node, NodeEnv, Workflow


class ProfilingContext(BaseModel):
    name: str
    email: str
    cv_sources: list[str]
    cv_documents: dict[str, str] = Field(default_factory=dict)  # path → sha256 of bytes stored at submit
    location: str | None = None
    premium: bool = False
    extracted: ExtractedProfile | None = None
    profile_id: str | None = None
    reset_edits: bool = False  # a refresh that drops the user's recorded edits (jobagent.api.profiles)
    warnings: list[str] = Field(default_factory=list)


class UserInputNode(Node[ProfilingContext]):
    """Validates again in the worker: the submitter may be another client, or a file may have moved."""

    name = "UserInputNode"

    def run(self, ctx: ProfilingContext, env: NodeEnv) -> None:
        ctx.name = validate_name(ctx.name)
        ctx.email = validate_email(ctx.email)
        ctx.cv_sources = normalize_sources(ctx.cv_sources, env.settings, stored=ctx.cv_documents)


class CVProcessingNode(Node[ProfilingContext]):
    name = "CVProcessingNode"

    def run(self, ctx: ProfilingContext, env: NodeEnv) -> None:
        from jobagent.cv.extraction import extract_profile
        from jobagent.cv.stored import mark_profiled, read_source

        s = env.settings
        # The text extracted at submit, stored with the bytes (never the path or the reader again, issue 26
        # §4); a URL is fetched and parsed here, in the sandboxed child (issue 11).
        texts = [read_source(src, ctx.cv_documents.get(src), s).text for src in ctx.cv_sources]
        extracted = extract_profile("\n\n".join(texts))
        ctx.extracted = extracted
        location = ctx.location or extracted.location
        if not location:
            ctx.warnings.append("no location found in the CV; set one with --location to enable searches")
        with env.fenced() as session:  # a deleted profile is not re-created by a refresh (issue 23 §4)
            # The run remembers its profile, so a retry after a crash updates it instead of adding a twin.
            run = session.get(Run, env.run_id)
            known = ctx.profile_id or (run.profile_id if run is not None else None)
            profile = session.get(UserProfile, known) if known else None
            if profile is None:
                # Whoever submitted the profiling owns the profile (issue 23 item 8).
                profile = UserProfile(name=ctx.name, email=ctx.email, owner=run.owner if run else None)
                session.add(profile)
            store_extracted(profile, extracted, location=location, premium=ctx.premium,
                            cv_sources=ctx.cv_sources, reset_edits=ctx.reset_edits)
            session.flush()
            mark_profiled(session, set(ctx.cv_documents.values()))  # their retention clock starts now
            ctx.profile_id = profile.id
            if run is not None:
                run.profile_id = profile.id


def _result(ctx: ProfilingContext) -> dict[str, Any]:
    extracted = ctx.extracted or ExtractedProfile()
    return {
        "profile_id": ctx.profile_id,
        "name": ctx.name,
        "location": ctx.location or extracted.location,
        "skills": extracted.skills,
        "years_experience": extracted.years_experience,
        "titles_held": extracted.titles_held,
        "suggested_titles": extracted.suggested_titles,
        "level": extracted.level,
        "field": extracted.field,
        "experience_entries": len(extracted.experience),
        "certifications": extracted.certifications,
        "languages": extracted.languages,
        "cv_language": extracted.cv_language,
        # The fields to check (issue 26 §3): the full grades are in the profile's view.
        "uncertain": [f for f in uncertain(extracted.confidence) if not (f == "location" and ctx.location)],
        "warnings": ctx.warnings,
    }


WORKFLOW = Workflow(
    kind="profiling",
    context_model=ProfilingContext,
    nodes=[UserInputNode(), CVProcessingNode()],
    result=_result,
)
