"""Issue 25 §3: compounds split only at known heads, the same way for the index and the query."""

from __future__ import annotations

import pytest

from jobagent.compounds import query_parts, split
from jobagent.postings.indexing import query_slots, search_title
from jobagent.postings.matching import title_similarity
from jobagent.text import fold


@pytest.mark.parametrize(("word", "parts"), [
    ("Industrieelektroniker", ("industrie", "elektroniker")),
    ("Mathematiklehrer", ("mathematik", "lehrer")),
    ("Mathematiklehrerin", ("mathematik", "lehrerin")),
    ("Wiskundedocent", ("wiskunde", "docent")),
    ("Sportfysiotherapeut", ("sport", "fysiotherapeut")),
    ("Verkehrsplaner", ("verkehr", "planer")),
    ("Bauleiter", ("bau", "leiter")),
    ("Softwareentwickler", ("software", "entwickler")),
    ("Pflegefachkraft", ("pflege", "fachkraft")),
    ("Lagermitarbeiter", ("lager", "mitarbeiter")),
])
def test_a_compound_splits_at_its_known_head(word: str, parts: tuple[str, ...]) -> None:
    assert query_parts(fold(word)) == parts


@pytest.mark.parametrize("word", ["Backend", "Mitarbeiter", "Elektroniker", "Lehrer", "Manager", "Controller",
                                  "Engineer", "Developer", "Designer", "Planner", "Accountant", "Kok"])
def test_a_plain_word_or_an_english_title_is_not_split(word: str) -> None:
    assert query_parts(fold(word)) == ()


def test_heads_split_further_in_the_index_but_a_modifier_is_not_stemmed() -> None:
    assert split("sportfysiotherapeut") == ("sport", "fysiotherapeut", "fysio", "therapeut")
    indexed = search_title("Bäckermeister", "de").split()
    assert "backer" in indexed and "meister" in indexed and "back" not in indexed
    assert not {"back", "backend"} & set(indexed)
    assert [s[0] for s in query_slots("Mathematiklehrer")] == ["mathematik", "lehrer"]


def test_the_matcher_reads_a_compound_as_its_parts() -> None:
    assert title_similarity("Lehrer für Mathematik (m/w/d)", "Mathematiklehrer") > 0.9
    assert title_similarity("Mathematiklehrerin", "Lehrer Mathematik") == 1.0
    assert title_similarity("Bäckermeister", "Backend Engineer") == 0.0
    assert title_similarity("Enfermera de urgencias", "Enfermero") > 0.8
