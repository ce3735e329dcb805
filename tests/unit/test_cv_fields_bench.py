"""The CV field-accuracy ratchet (issue 26 §1): a third of the generated corpus (every language, every
layout) read through the real CV readers and ``extract_profile``, scored by tests/cv_fields.py and held to
the floor in tests/cv_fields_floor.json. A parser change that loses accuracy fails here; one that gains it
raises the floor in the same commit. The first tests pin the instrument itself: a corpus that stopped
covering what it claims, or a scorer that stopped telling right from wrong, would make the floor mean
nothing."""

from __future__ import annotations

import json
import re
from pathlib import Path

from jobagent.cv.readers import read_cv_bytes
from jobagent.cv.schema import EducationEntry, ExperienceEntry, ExtractedProfile
from tests.cv_fields import CONTACT_FIELDS, FIELDS, figures, not_extracted, run, score_profile
from tests.cv_layouts import render, town
from tests.cv_truth import LAYOUTS, Truth, ci_slice, corpus
from tests.cv_truth_words import LANGS, PROFESSIONS

FLOOR = json.loads((Path(__file__).resolve().parent.parent / "cv_fields_floor.json").read_text(encoding="utf-8"))

DATE_FORMS = {  # the forms issue 26 names, each of which some CV must write
    "de": (r"seit \d\d/\d{4}", r"\d\d/\d{4} – heute", r"März \d{4} bis \w+ \d{4}|\w+ \d{4} bis \w+ \d{4}"),
    "nl": (r"sinds \d{4}", r"\d{4} – heden"), "fr": (r"depuis \d{4}",), "es": (r"desde \d{4} – actualidad",),
    "pt": (r"\d{4} – atual",), "en": (r"\w+ \d{4} – Present",),
}


def test_the_corpus_covers_professions_languages_layouts_and_the_written_forms() -> None:
    people = corpus()
    assert len(people) >= 80 and corpus() == people  # seeded: the same corpus on every run
    assert {t.profession for t in people} == set(PROFESSIONS) and len(PROFESSIONS) >= 12
    assert {(t.lang, t.layout) for t in people} == {(lang, layout) for lang in LANGS for layout in LAYOUTS}
    written = {lang: [e.dates for t in people if t.lang == lang for e in t.entries] for lang in LANGS}
    for lang, forms in DATE_FORMS.items():
        for form in forms:
            assert any(re.fullmatch(form, d) for d in written[lang]), (lang, form)
    towns = {town(t, country=False) for t in people}
    assert {"80797 München", "3011 AB Rotterdam", "75011 Paris"} <= towns
    assert {t.style.bullet for t in people} == {"•", "-", "–", "1."}
    assert {(t.style.date_side, t.style.first) for t in people} == {
        (side, first) for side in ("left", "right") for first in ("title", "employer")}
    assert any(t.current is None for t in people) and any(t.current is not None for t in people)
    chosen = ci_slice(people)
    assert len(chosen) == 30 and {(t.lang) for t in chosen} == set(LANGS)
    assert {t.layout for t in chosen} == set(LAYOUTS)


def test_the_right_answer_sits_where_a_shortcut_misses_it(tmp_path: Path) -> None:
    people = corpus()
    footer = next(t for t in people if t.layout == "docx_header")
    import docx

    document = docx.Document(str(render(footer, tmp_path)))
    body = "\n".join(p.text for p in document.paragraphs)
    assert footer.postcode not in body and footer.postcode in document.sections[0].footer.paragraphs[0].text
    sidebar = next(t for t in people if t.layout == "pdf_sidebar" and t.current and len(t.entries) > 2)
    path = render(sidebar, tmp_path)
    text = read_cv_bytes(str(path), path.read_bytes(), suffix=".pdf").text
    assert sidebar.current is not None
    assert text.index(sidebar.entries[-1].dates) < text.index(sidebar.current.dates)  # the current job is not first


def _as_profile(t: Truth) -> ExtractedProfile:
    """What a perfect parser would store for ``t``."""
    def month(point: str | None) -> str | None:
        return None if point is None else point if len(point) > 4 else f"{point}-01"

    return ExtractedProfile(
        location=f"{t.city}, {t.country_written}", skills=list(t.skills), years_experience=t.years,
        experience=[ExperienceEntry(title=e.title, title_as_written=e.title, employer=e.employer, start=month(e.start),
                                    end=month(e.end), current=e.end is None) for e in t.entries],
        education=[EducationEntry(degree=e.degree, institution=e.institution, start_year=e.start_year,
                                  end_year=e.end_year) for e in t.education],
        languages=list(t.languages), level=t.level)


def test_the_scorer_tells_right_from_wrong() -> None:
    t = next(t for t in corpus() if t.lang == "de" and len(t.entries) >= 3)
    held = [f for f in FIELDS if f not in not_extracted()]
    assert set(not_extracted()) == set(CONTACT_FIELDS) - set(ExtractedProfile.model_fields)
    perfect = score_profile(t, _as_profile(t))
    assert all(min(perfect[f]) == 1.0 for f in held), perfect
    assert all(perfect[f] == [0.0] for f in not_extracted())  # reported as 0, not skipped
    wrong = _as_profile(t)
    wrong.location = "Lyon, France"
    wrong.experience = list(reversed(wrong.experience))  # order does not matter: entries are paired
    wrong.experience[0] = wrong.experience[0].model_copy(update={"employer": "Someone Else GmbH"})
    wrong.languages = [lang.split(" (")[0] for lang in t.languages]  # names without their levels
    scores = score_profile(t, wrong)
    assert scores["city"] == scores["country"] == [0.0] and scores["languages"] == [0.0] * len(t.languages)
    assert scores["entry_employer"] == [1.0] * (len(t.entries) - 1) + [0.0]
    assert min(scores["entry_title"]) == 1.0 and min(scores["skills_recall"]) == 1.0
    assert all(max(v) == 0.0 for v in score_profile(t, None).values())  # a CV the parser fails on: all wrong


def test_field_accuracy_stays_at_or_above_its_floor(tmp_path: Path) -> None:
    report = run(ci_slice(corpus()), tmp_path)
    got = figures(report)
    print(json.dumps(got, ensure_ascii=False))
    assert got["cvs"] == FLOOR["cvs"]
    below = [(name, got["overall_extracted"], FLOOR["overall_extracted"])
             for name in ("overall_extracted",) if got["overall_extracted"] < FLOOR["overall_extracted"]]
    for group, key in (("fields", "fields"), ("per_language", "per_language"), ("per_layout", "per_layout")):
        below += [(f"{group}.{name}", got[key].get(name, 0.0), floor)
                  for name, floor in FLOOR[group].items() if got[key].get(name, 0.0) < floor]
    assert not below, f"below the floor in tests/cv_fields_floor.json: {below}; crashed: {got['crashed']}"
