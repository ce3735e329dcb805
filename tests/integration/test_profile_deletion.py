"""Deleting a profile deletes its personal data: the runs' parameters and the CV bytes stored for them.

On both stores. Two people's profiles: Ana submitted two files, one of which Ben submitted too (the same
bytes, so one stored row under one hash). Deleting Ana's profile deletes the file only she named and keeps
the shared one while Ben's run names it; deleting Ben's then deletes that too.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from sqlalchemy import insert, select

from jobagent.store.models import Run, StoredCV, UserProfile, WorkflowExecution, utcnow
from jobagent.store.session import session_scope
from jobagent.submission_rows import SubmissionSpec, execution_row, run_row

ONLY_ANA, SHARED = b"%PDF-1.4 Ana's own CV", b"%PDF-1.4 a CV both sent"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _profile_with_run(name: str, documents: dict[str, bytes]) -> str:
    with session_scope() as s:
        profile = UserProfile(name=name, email=f"{name.lower()}@example.org")
        s.add(profile)
        s.flush()
        context = {"name": name, "email": f"{name.lower()}@example.org", "cv_sources": sorted(documents),
                   "cv_documents": {path: _sha(data) for path, data in documents.items()}}
        spec = SubmissionSpec("profiling", "default", context, profile_id=profile.id)
        now = utcnow()
        run = run_row(spec, now)
        s.execute(insert(Run), [run])
        s.execute(insert(WorkflowExecution), [execution_row(run["id"], spec, now)])
        for data in documents.values():
            if s.get(StoredCV, _sha(data)) is None:
                s.add(StoredCV(sha256=_sha(data), size=len(data), content=data, created_at=now))
        return profile.id


def _stored() -> set[str]:
    with session_scope() as s:
        return set(s.scalars(select(StoredCV.sha256)))


def test_deleting_a_profile_deletes_its_cv_bytes_but_not_a_file_another_run_names(
        env: Callable[..., dict[str, str]], store_url: str) -> None:
    from jobagent.api.profiles import delete_profile

    env(database_url=store_url)
    ana = _profile_with_run("Ana", {"/home/ana/cv.pdf": ONLY_ANA, "/home/ana/old.pdf": SHARED})
    ben = _profile_with_run("Ben", {"/home/ben/cv.pdf": SHARED})
    assert _stored() == {_sha(ONLY_ANA), _sha(SHARED)}

    gone = delete_profile(ana)
    assert (gone.runs_detached, gone.cv_documents_deleted) == (1, 1)
    assert _stored() == {_sha(SHARED)}  # Ben's run still names it
    with session_scope() as s:
        detached = s.scalars(select(Run).where(Run.profile_id.is_(None))).one()
        assert detached.params == {}  # no name, e-mail or CV paths left behind
        snapshot = s.scalars(select(WorkflowExecution.context_snapshot)
                             .where(WorkflowExecution.run_id == detached.id)).one()
        assert snapshot == {}
        assert s.scalars(select(Run.params).where(Run.profile_id == ben)).one()["name"] == "Ben"

    assert delete_profile(ben).cv_documents_deleted == 1
    assert _stored() == set()


def test_a_profile_whose_runs_stored_no_file_deletes_none(env: Callable[..., dict[str, str]], store_url: str) -> None:
    from jobagent.api.profiles import delete_profile

    env(database_url=store_url)
    kept = _profile_with_run("Cem", {"/home/cem/cv.pdf": SHARED})
    url_only = _profile_with_run("Dee", {})
    assert delete_profile(url_only).cv_documents_deleted == 0
    assert _stored() == {_sha(SHARED)} and kept
