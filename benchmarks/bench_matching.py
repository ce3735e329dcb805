"""In-memory matching benchmark: ranking, BM25 relevance and the dedup pass over 10,000 postings.

Run: ``python benchmarks/bench_matching.py`` (no servers needed). The aim is under 1 s for each pass, since a
daily search over a large feed runs all three; the data is seeded so runs compare like with like.
"""

from __future__ import annotations

import os
import random
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from jobagent.postings.dedup import canonical_url, posting_fingerprint  # noqa: E402
from jobagent.postings.matching import rank_postings  # noqa: E402
from jobagent.postings.relevance import normalized_relevance  # noqa: E402
from jobagent.postings.schema import PostingData, ProfileFacts  # noqa: E402

N = int(os.environ.get("BENCH_POSTINGS", "10000"))
SEED = 20240630
AIM_SECONDS = 1.0

LEVELS = ["", "Junior ", "Senior ", "Lead ", "Staff ", "Principal ", "Werkstudent "]
ROLES = ["Backend Engineer", "Frontend Developer", "Full Stack Developer", "Data Engineer", "Data Scientist",
         "DevOps Engineer", "Site Reliability Engineer", "Python Developer", "Java Developer",
         "Machine Learning Engineer", "Mobile Developer", "Product Manager", "QA Engineer", "Platform Engineer"]
COMPANIES = [f"{a}{b} {s}" for a in ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Stark", "Wayne"]
             for b in ["", " Labs", " Systems", " Digital"] for s in ["GmbH", "Inc", "Ltd", "AG", ""]]
CITIES = ["Berlin, Germany", "Munich, Germany", "Hamburg, Germany", "Vienna, Austria", "Zurich, Switzerland",
          "London, UK", "Amsterdam, Netherlands", "Remote", None]
SKILLS = ["Python", "Django", "FastAPI", "PostgreSQL", "Redis", "Docker", "Kubernetes", "AWS", "Terraform", "Go",
          "Java", "Kotlin", "TypeScript", "React", "Node.js", "C++", "C#", "Rust", "Kafka", "Spark", "SQL",
          "GraphQL", "Linux", "CI/CD", "pandas", "PyTorch"]
FILLER = ("we are looking for a motivated colleague to join our growing team and help build reliable products "
          "for customers across europe you will work closely with product design and operations to ship "
          "features improve quality and mentor others our stack is modern and we care about testing code "
          "review documentation and sustainable pace benefits include flexible hours learning budget "
          "hardware of your choice public transport ticket and thirty days of vacation").split()

T = TypeVar("T")


def _description(rng: random.Random) -> str:
    words: list[str] = []
    for _ in range(rng.randint(200, 300)):
        words.append(rng.choice(SKILLS) if rng.random() < 0.08 else rng.choice(FILLER))
    return " ".join(words)


def make_posting(rng: random.Random, i: int, board: str) -> PostingData:
    city = rng.choice(CITIES)
    salary = rng.choice([None, None, rng.randrange(35, 120) * 1000])
    return PostingData(
        source=f"bench:{board}",
        external_id=f"{board}-{i}",
        url=f"https://jobs.{board}.example/posting/{i}?utm_source=feed&ref={rng.randint(1, 9)}",
        title=f"{rng.choice(LEVELS)}{rng.choice(ROLES)}",
        company=rng.choice(COMPANIES),
        location=city,
        remote=city == "Remote" or rng.random() < 0.15,
        salary_min=None if salary is None else float(salary),
        salary_max=None if salary is None else float(salary + 15000),
        salary_currency=None if salary is None else "EUR",
        posted_at=datetime(2024, 6, 30) - timedelta(days=rng.randint(0, 60)),
        description=_description(rng),
    )


def timed(fn: Callable[[], T]) -> tuple[T, float]:
    t0 = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - t0


def report(label: str, seconds: float) -> None:
    verdict = "under" if seconds < AIM_SECONDS else "OVER"
    print(f"{label:<58} {seconds:8.3f} s   {verdict} the {AIM_SECONDS:.0f} s aim")


def dedup_pass(stored: list[PostingData], new: list[PostingData]) -> list[PostingData]:
    """What a search does before inserting: drop new postings whose fingerprint or canonical URL is known."""
    seen_prints = {posting_fingerprint(p) for p in stored}
    seen_urls = {u for u in (canonical_url(p.url) for p in stored) if u}
    fresh: list[PostingData] = []
    for p in new:
        fp = posting_fingerprint(p)
        url = canonical_url(p.url)
        if fp in seen_prints or (url is not None and url in seen_urls):
            continue
        seen_prints.add(fp)
        if url:
            seen_urls.add(url)
        fresh.append(p)
    return fresh


def main() -> None:
    rng = random.Random(SEED)
    postings, gen_s = timed(lambda: [make_posting(rng, i, "alpha") for i in range(N)])
    profile = ProfileFacts(name="Bench User", email="bench@example.com", location="Berlin, Germany",
                           skills=["Python", "Django", "PostgreSQL", "Docker", "Kubernetes", "AWS", "Redis",
                                   "Terraform", "Go", "SQL", "Linux", "Kafka"],
                           years_experience=6, titles_held=["Backend Engineer", "Software Developer"],
                           suggested_titles=["Backend Engineer", "Platform Engineer", "Python Developer"])
    print(f"generated {N} postings in {gen_s:.2f} s (seed {SEED}); "
          f"avg description {sum(len(p.description.split()) for p in postings) / N:.0f} words")

    top, rank_s = timed(lambda: rank_postings(profile, postings, query="Senior Backend Engineer",
                                              location="Berlin, Germany", limit=5))
    report(f"(a) rank_postings over {N} postings", rank_s)
    print(f"    best: {top[0].score} {top[0].posting.title!r} at {top[0].posting.company!r}")

    docs = [f"{p.title}\n{p.description}" for p in postings]
    rel, rel_s = timed(lambda: normalized_relevance(["backend", "python", "django", "kubernetes"], docs))
    report(f"(b) normalized_relevance over {N} descriptions", rel_s)
    print(f"    max {max(rel):.2f}, docs scoring > 0: {sum(1 for r in rel if r > 0)}")

    # Half the new batch is the stored batch re-fetched (same advert, new board id, different tracking
    # params), half is genuinely new.
    stored = postings
    rng2 = random.Random(SEED + 1)
    overlap = [p.model_copy(update={"external_id": f"beta-{i}", "source": "bench:beta",
                                    "url": (p.url or "").replace("utm_source=feed", "utm_source=mail")})
               for i, p in enumerate(stored[: N // 2])]
    new = overlap + [make_posting(rng2, i, "gamma") for i in range(N - len(overlap))]
    fresh, dedup_s = timed(lambda: dedup_pass(stored, new))
    report(f"(c) dedup of {N} new against {N} stored (fingerprint+URL)", dedup_s)
    print(f"    kept {len(fresh)} of {len(new)} new postings ({len(new) - len(fresh)} duplicates)")


if __name__ == "__main__":
    main()
