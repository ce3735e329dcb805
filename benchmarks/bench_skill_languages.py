"""What matching a profile's skills under their other names costs (issue 25 §4).

Run: ``python benchmarks/bench_skill_languages.py`` (no servers; ``BENCH_POSTINGS`` sets the number of
postings, 5,000 by default). A profile holds canonical (English) skill names; ``matched_skills`` now also
looks for each skill's other forms (English aliases, and the five languages of skills_translations.tsv).
The baseline, measured in the same run, is the name-only match it did before: one whole-word search per
skill. Prints CPU time per posting for both, their ratio, and how many skills each finds; the last line is
one JSON object.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from jobagent.cv.vocabulary import skill_index  # noqa: E402
from jobagent.postings.matching import matched_skills  # noqa: E402
from jobagent.text import count_word  # noqa: E402
from tests.unit.test_skill_languages import CASES, TEMPLATES  # noqa: E402

N = int(os.environ.get("BENCH_POSTINGS", "5000"))
SEED = 20251208
FILLER = {
    "en": "We are a growing company with offices across Europe. The role reports to the team lead. ",
    "de": "Wir sind ein wachsendes Unternehmen mit Standorten in ganz Europa. Sie berichten an die Teamleitung. ",
    "nl": "Wij zijn een groeiend bedrijf met vestigingen in heel Europa. Je rapporteert aan de teamleider. ",
    "fr": "Nous sommes une entreprise en croissance, présente dans toute l'Europe. Vous rendez compte au responsable. ",
    "es": "Somos una empresa en crecimiento con oficinas en toda Europa. Dependerás del responsable del equipo. ",
    "pt": "Somos uma empresa em crescimento com escritórios em toda a Europa. Reporta ao responsável da equipa. ",
}


def _name_only(skills: list[str], text: str) -> list[str]:
    """matched_skills as it was before: the profile's own spelling, one whole-word search each."""
    lowered = text.lower()
    return [s for s in skills if count_word(lowered, s.lower(), stop_at=1)]


def _postings(rng: random.Random) -> list[str]:
    out = []
    langs = sorted(CASES)
    for _ in range(N):
        lang = rng.choice(langs)
        picked = rng.sample(CASES[lang], 4)
        body = " ".join(TEMPLATES[lang][1].format(written) for written, _ in picked)
        out.append(FILLER[lang] * rng.randint(4, 10) + body)
    return out


def _cpu(fn: object, profile: list[str], texts: list[str]) -> tuple[float, int]:
    call = fn  # type: ignore[assignment]
    t0 = time.process_time()
    found = sum(len(call(profile, t)) for t in texts)  # type: ignore[operator]
    return time.process_time() - t0, found


def main() -> None:
    rng = random.Random(SEED)
    skill_index()
    texts = _postings(rng)
    canonical = sorted({c for rows in CASES.values() for _, c in rows})
    profile = rng.sample(canonical, 8) + ["Python", "SQL"]
    matched_skills(profile, texts[0])  # build the form tables outside the timing
    base_s, base_found = min((_cpu(_name_only, profile, texts) for _ in range(3)), key=lambda r: r[0])
    new_s, new_found = min((_cpu(matched_skills, profile, texts) for _ in range(3)), key=lambda r: r[0])
    base_us, new_us = base_s / N * 1e6, new_s / N * 1e6
    print(f"postings: {N} in six languages, profile of {len(profile)} canonical skills")
    print(f"name only (before)       {base_us:8.1f} µs CPU a posting, {base_found} skills found")
    print(f"with other names (now)   {new_us:8.1f} µs CPU a posting, {new_found} skills found")
    print(f"ratio now/before: {new_us / base_us:.2f}")
    print(json.dumps({"bench": "skill_languages", "postings": N, "before_us": round(base_us, 1),
                      "now_us": round(new_us, 1), "ratio": round(new_us / base_us, 2),
                      "found_before": base_found, "found_now": new_found}))


if __name__ == "__main__":
    main()
