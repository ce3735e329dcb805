"""Letters cite the CV entries that meet the posting; the grounding check passes true facts both ways."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from jobagent.cv import extract_profile
from jobagent.postings.letters import repair_letter, ungrounded_claims, write_grounded_letter
from jobagent.postings.schema import MatchResult, PostingData, ProfileFacts
from jobagent.postings.tailored_cv import write_tailored_cv
from tests import cv_corpus as corpus
from tests.cv_reading import read_cv


def _facts(case: corpus.Case, tmp_path: Path, fmt: str = "pdf") -> ProfileFacts:
    p = extract_profile(read_cv(str(corpus.write(case, fmt, tmp_path))).text, today=date(2026, 11, 28))
    return ProfileFacts(name=case.name, email=corpus.email_of(case), location=p.location, skills=p.skills,
                        years_experience=p.years_experience, titles_held=p.titles_held,
                        suggested_titles=p.suggested_titles, experience=[e.model_dump() for e in p.experience],
                        education=[e.model_dump() for e in p.education], certifications=p.certifications,
                        level=p.level, field=p.field)


MANUFACTURING_POSTING = PostingData(
    source="t", external_id="m1", title="Senior Manufacturing Engineer at Bombardier", company="Bombardier",
    location="Toronto, ON",
    description="Requirements: SPC and Kaizen on high-volume lines. APQP/PPAP for new part launches. "
                "PFMEA ownership. 10+ years preferred. Bombardier builds business jets in Toronto.")
NOTES = ('- 3 open roles at Bombardier among the postings found.\n'
         '- From a posting: "Bombardier builds business jets in Toronto."')


def _match(posting: PostingData, profile: ProfileFacts) -> MatchResult:
    return MatchResult(posting=posting, score=80, matched_skills=[s for s in profile.skills
                                                                  if s.lower() in posting.description.lower()])


def test_letter_cites_entries_company_and_reads_as_english(tmp_path: Path) -> None:
    profile = _facts(corpus.MANUFACTURING, tmp_path, "pdf_table")
    match = _match(MANUFACTURING_POSTING, profile)
    letter, warnings = write_grounded_letter(profile, match, NOTES)
    assert warnings == [] and letter
    cited = [line for line in letter.splitlines() if line.startswith("On ")]
    assert 2 <= len(cited) <= 3  # the requirements met best, each with its proof
    assert "as a senior manufacturing engineer at Magna International, I cut scrap by 18% on three stamping lines" \
        in letter  # employer, role and the achievement bullet with its number
    assert "I am applying for the Senior Manufacturing Engineer position" in letter  # not "... at Bombardier position"
    assert "Linamar Corporation" in letter or "22 new parts" in letter
    assert "Bombardier builds business jets in Toronto." in letter  # one true thing from the research notes
    assert "as a senior manufacturing engineer at Magna International" in letter
    assert "10" not in letter.replace("10+", "")  # the posting's wish is not the person's fact
    assert ungrounded_claims(letter, profile, match, NOTES) == []


def test_tailored_cv_orders_own_bullets_by_relevance(tmp_path: Path) -> None:
    import docx

    profile = _facts(corpus.MANUFACTURING, tmp_path, "pdf_table")
    match = _match(MANUFACTURING_POSTING, profile)
    paths = write_tailored_cv(profile, match, tmp_path / "tailored", 1)
    md = Path(paths["markdown"]).read_text()
    own = {b for e in profile.experience for b in e["bullets"]}
    bullets = [line[2:] for line in md.splitlines() if line.startswith("- ") and "," not in line[:3]]
    assert set(bullets) - {f"{d['degree']}, {d['institution']}, {d['end_year']}" for d in profile.education} <= \
        own | set(profile.certifications)
    assert md.index("Cut scrap by 18%") < md.index("Ran Minitab")
    text = "\n".join(p.text for p in docx.Document(paths["docx"]).paragraphs)
    assert "Magna International" in text and "Cut scrap by 18%" in text


PROFILE = ProfileFacts(
    name="Sinéad Byrne", email="sinead@example.org", location="Dublin 8, Ireland", skills=["GitLab CI", "Xero"],
    years_experience=2, titles_held=["Junior Accountant"],
    experience=[{"title": "Junior Accountant", "title_as_written": "Junior Accountant", "employer": "Grant Thornton",
                 "start": "2024-02", "end": None, "current": True,
                 "bullets": ["Prepared VAT returns for 25 SME clients on Xero."]}],
    education=[{"degree": "BA Accounting and Finance", "institution": "Dublin City University", "end_year": 2023}],
    certifications=["ACCA (part-qualified)"])
POSTING = PostingData(source="t", external_id="a1", title="Accountant at PwC Ireland", company="PricewaterhouseCoopers",
                      location="Dublin", description="Xero and Kubernetes. 5 years experience. CPA preferred.")
MATCH = MatchResult(posting=POSTING, score=70, matched_skills=["Xero"])


@pytest.mark.parametrize("sentence", [
    "I live in Dublin 8.",  # the "8" of the user's own location
    "I automated our builds with GitLab.",  # "GitLab" inside the profile's "GitLab CI"
    "I would be glad to join PwC Ireland.",  # an employer named in the posting's title
    "At Grant Thornton I prepared VAT returns for 25 SME clients on Xero.",  # an entry's employer and numbers
    "I hold a BA Accounting and Finance from Dublin City University.",
    "I am part-qualified with ACCA.",
    "I bring 2 years of experience since 2024.",
])
def test_true_facts_pass(sentence: str) -> None:
    assert ungrounded_claims(sentence, PROFILE, MATCH) == []


@pytest.mark.parametrize(("sentence", "problem"), [
    ("I bring 5 years of experience.", "number 5"),
    ("I worked at Deloitte Ireland for two years.", "employer Deloitte Ireland"),
    ("I hold an MBA.", "degree MBA"),
    ("I am a CPA.", "certification CPA"),
    ("I run Kubernetes clusters.", "skill Kubernetes"),
])
def test_invented_facts_are_refused(sentence: str, problem: str) -> None:
    assert problem in ungrounded_claims(sentence, PROFILE, MATCH)


def test_failing_sentence_is_dropped_when_the_rest_stands() -> None:
    letter = ("Dear PricewaterhouseCoopers hiring team,\n\nI am applying for the Accountant position. "
              "I run Kubernetes clusters.\nAt Grant Thornton I prepared VAT returns for 25 SME clients on Xero.\n\n"
              "Kind regards,\nSinéad Byrne\n")
    repaired, problems = repair_letter(letter, PROFILE, MATCH)
    assert problems == ["skill Kubernetes"] and repaired is not None
    assert "Kubernetes" not in repaired and "Grant Thornton" in repaired
    alone, why = repair_letter("Sinéad Byrne: 99 years of COBOL.", PROFILE, MATCH)
    assert alone is None and "number 99" in why


def test_search_writes_letters_and_tailored_cvs_per_match(env, store_url: str, tmp_path: Path) -> None:
    from jobagent.api import postings, runs
    from tests.documents import make_pdf

    env(database_url=store_url)
    prof = runs.get_status(runs.submit_profiling("Alex Morgan", "alex@example.org",
                                                 [str(make_pdf(tmp_path / "cv.pdf"))]).run_id).model_dump()
    assert prof["result"]["experience_entries"] == 2 and prof["result"]["level"]
    st = runs.get_status(runs.submit_job_search("data engineer", profile_id=prof["result"]["profile_id"])
                         .run_id).model_dump()
    assert st["status"] == "completed", st
    tailored = st["result"]["tailored_cvs"]
    assert tailored and len(tailored) == st["result"]["matches"]
    for item in tailored:
        md = Path(item["markdown"]).read_text()
        assert Path(item["docx"]).is_file() and "Acme Analytics" in md
    matches = [x.model_dump() for x in postings.list_matches(st["run_id"])]
    assert any(m["has_cover_letter"] for m in matches)


def test_two_hundred_letters_across_professions_are_all_kept(tmp_path: Path) -> None:
    """On main 21 of 203 letters were dropped for facts the profile holds; here none may be."""
    import random

    rng = random.Random(13)
    written = 0
    for case in corpus.CASES + [corpus.MANUFACTURING]:
        profile = _facts(case, tmp_path, "docx")
        for k in range(11):
            company = rng.choice(["Northwind", "Globex", "Initech", "Umbrella", "Stark"]) + f" {k}"
            wanted = rng.sample(sorted(case.key_skills), k=min(3, len(case.key_skills)))
            posting = PostingData(
                source="t", external_id=f"{case.key}{k}", company=company, location=profile.location,
                title=f"{profile.suggested_titles[k % len(profile.suggested_titles)]} at {company} Group",
                description=f"Requirements: {', '.join(wanted)}. 15+ years preferred. {company} is growing fast.")
            match = _match(posting, profile)
            notes = (f"- 4 open roles at {company} among the postings found.\n"
                     f'- From a posting: "{company} is growing fast."')
            letter, warnings = write_grounded_letter(profile, match, notes)
            assert letter and warnings == [], (case.key, warnings)
            assert company in letter and "15" not in letter
            written += 1
    assert written >= 200


def test_letter_without_matching_bullets_still_cites_achievements(tmp_path: Path) -> None:
    case = next(c for c in corpus.CASES if c.key == "hospitality")
    profile = _facts(case, tmp_path, "docx")
    posting = PostingData(source="t", external_id="h1", title="Sous Chef", company="Globex Hotels", location="Milan",
                          description="Requirements: Food Safety, Menu Development.")
    letter, warnings = write_grounded_letter(profile, _match(posting, profile), "")
    assert warnings == []
    assert "as a sous chef at Hotel Principe di Savoia: I ran a brigade of 12 and cut food cost from 34% to 29%." \
        in letter
    assert "Your posting asks for Food Safety and Menu Development, which are skills I work with." in letter


def test_llm_facts_carry_the_structured_entries(tmp_path: Path) -> None:
    from jobagent.postings.llm_letters import _facts as llm_facts

    profile = _facts(corpus.MANUFACTURING, tmp_path, "pdf_table")
    facts = llm_facts(profile, _match(MANUFACTURING_POSTING, profile))
    assert "Job: Senior Manufacturing Engineer at Magna International (2020-01 to present)" in facts
    assert "  - Cut scrap by 18% on three stamping lines using SPC and Kaizen events." in facts
    assert "Education: B.Eng. Mechanical Engineering, University of Waterloo" in facts
