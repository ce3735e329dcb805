"""Data for the board tests: a large, varied postings feed and a profile stored the way profiling stores one."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

ROLES = [
    ("Backend Engineer", ["python", "django", "postgresql", "redis"]),
    ("Data Engineer", ["python", "sql", "spark", "airflow"]),
    ("Python Developer", ["python", "flask", "aws", "docker"]),
    ("Frontend Engineer", ["javascript", "react", "css", "typescript"]),
    ("Registered Nurse", ["patient care", "triage", "medication"]),
    ("Accountant", ["ledger", "ifrs", "excel"]),
    ("Sales Manager", ["crm", "negotiation", "pipeline"]),
    ("Site Reliability Engineer", ["kubernetes", "terraform", "python", "linux"]),
    ("Chef de Partie", ["kitchen", "menu", "haccp"]),
    ("Machine Learning Engineer", ["python", "pytorch", "sql", "mlops"]),
]
LEVELS = ["Junior", "", "Senior", "Staff", "Lead"]
CITIES = ["Berlin, Germany", "Munich, Germany", "Hamburg, Germany", "Amsterdam, Netherlands", "Vienna, Austria"]


def posting(i: int, rng: random.Random) -> dict[str, Any]:
    role, skills = ROLES[i % len(ROLES)]
    level = LEVELS[(i // len(ROLES)) % len(LEVELS)]
    company = f"Company {i // 7:04d} GmbH"
    city = CITIES[i % len(CITIES)]
    salary = 40000 + (i % 13) * 5000
    bullets = "".join(f"<li>Work with {s}</li>" for s in skills)
    return {
        "id": f"p-{i}", "title": f"{level} {role}".strip(), "company": company, "location": city,
        "remote": i % 4 == 0, "url": f"https://jobs.example.com/{i}",
        "description": f"<p>{company} is hiring a {role.lower()} in {city}.</p><ul>{bullets}</ul>"
                       f"<p>{rng.choice(['Hybrid work.', 'Team of 8.', 'Visa support.'])}</p>",
        "posted_at": "2026-11-20", "salary_min": salary, "salary_max": salary + 15000, "salary_currency": "EUR",
    }


def write_feed(path: Path, postings: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps({"postings": postings}), encoding="utf-8")
    return path


def big_feed(path: Path, n: int = 1500, seed: int = 14) -> tuple[Path, list[dict[str, Any]]]:
    rng = random.Random(seed)
    items = [posting(i, rng) for i in range(n)]
    return write_feed(path, items), items


def make_profile(**fields: Any) -> str:
    from jobagent.store.models import UserProfile
    from jobagent.store.session import session_scope

    values: dict[str, Any] = dict(name="Alex Morgan", email="alex@example.org", location="Berlin, Germany",
                                  skills=["python", "sql", "aws", "docker", "postgresql"], years_experience=6,
                                  titles_held=["Backend Engineer"],
                                  suggested_titles=["Backend Engineer", "Data Engineer", "Python Developer"])
    values.update(fields)
    with session_scope() as s:
        p = UserProfile(**values)
        s.add(p)
        s.flush()
        return p.id


def seed_board(profile_id: str, n: int, *, seed: int = 14, query: str = "seeded search",
               twins: int = 0) -> tuple[str, list[str]]:
    """A completed run that matched ``n`` generated postings, put on the board the way CompletionNode does;
    the run id and the posting ids (in feed order). The last ``twins`` postings are reposts of the first ones
    (same company and title, another URL and a reworded location)."""
    from sqlalchemy import insert

    from jobagent.postings.board import record_matches
    from jobagent.postings.feeds import posting_from_dict
    from jobagent.store.models import Match, Run, new_id, utcnow
    from jobagent.store.session import session_scope
    from tests.stored_postings import store_postings

    rng = random.Random(seed)
    raw = [posting(i, rng) for i in range(n - twins)]
    for item in raw:  # plain text with "- " bullets, as text.html_to_text leaves it (and no HTML to parse)
        role, skills = ROLES[int(item["id"][2:]) % len(ROLES)]
        item["description"] = (f"{item['company']} is hiring a {role.lower()} in {item['location']}.\n"
                               + "\n".join(f"- Work with {s}" for s in skills))
    raw += [{**raw[j], "id": f"twin-{j}", "url": f"https://elsewhere.example.org/{j}",
             "location": raw[j]["location"].split(",")[0] + " (hybrid)"} for j in range(twins)]
    datas = [posting_from_dict(item, f"feed:seed-{seed}") for item in raw]
    with session_scope() as s:
        ids, _ = store_postings(s, [d for d in datas if d is not None])
        run = Run(workflow_type="job_search", profile_id=profile_id, query=query, location="Berlin, Germany")
        s.add(run)
        s.flush()
        scores = [(pid, float(20 + (i * 37) % 80)) for i, pid in enumerate(ids)]
        s.execute(insert(Match), [{"id": new_id(), "run_id": run.id, "posting_id": pid, "rank": i + 1, "score": score,
                                   "reasons": [f"seeded reason {i}"], "created_at": utcnow()}
                                  for i, (pid, score) in enumerate(scores)])
        for start in range(0, len(scores), 2000):
            record_matches(s, profile_id, run.id, scores[start:start + 2000])
        return run.id, ids
