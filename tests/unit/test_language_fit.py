"""Issue 25 §4: a posting that requires a language the person does not speak ranks below one that doesn't,
and the reasons say so; a language that is only a wish, or an adjective ("German customers"), is no gap."""

from __future__ import annotations

import pytest

from jobagent.postings.language_fit import missing_languages, required_languages, spoken_languages
from jobagent.postings.matching import rank_postings
from jobagent.postings.schema import PostingData, ProfileFacts


@pytest.mark.parametrize(("text", "codes"), [
    ("Fließende Deutschkenntnisse in Wort und Schrift.", {"de"}),
    ("Sehr gute Englischkenntnisse", {"en"}),
    ("You speak fluent Dutch and English.", {"nl", "en"}),
    ("German language skills required.", {"de"}),
    ("Fluent German required", {"de"}),
    ("Verhandlungssicheres Deutsch (C1) ist Voraussetzung.", {"de"}),
    ("Je beheersing van het Nederlands is uitstekend.", {"nl"}),
    ("Nederlands vereist (C1).", {"nl"}),
    ("Vous parlez couramment le français.", {"fr"}),
    ("Maîtrise de l'anglais indispensable.", {"en"}),
    ("Dominio del inglés imprescindible.", {"en"}),
    ("Inglês fluente.", {"en"}),
    ("Native Portuguese speaker.", {"pt"}),
    # wishes and adjectives are no requirement
    ("German is a plus.", set()),
    ("Gute Englischkenntnisse sind von Vorteil.", set()),
    ("Kennis van het Duits is een pré.", set()),
    ("L'espagnol est un atout.", set()),
    ("Se valorará inglés fluido.", set()),
    ("Inglês fluente será um diferencial.", set()),
    ("Experience with German customers required.", set()),
    ("We serve the Dutch market and must grow fast.", set()),
    ("", set()),
])
def test_required_languages(text: str, codes: set[str]) -> None:
    assert required_languages(text) == codes


def test_spoken_languages_are_read_from_the_profile_entries() -> None:
    assert spoken_languages(["German (native)", "Inglés C1", "nl", "Français – courant"]) == {"de", "en", "nl", "fr"}
    assert missing_languages("Fluent German required.", ["English (native)", "Spanish (B2)"]) == ["German"]
    assert missing_languages("Fluent German required.", ["Deutsch (Muttersprache)"]) == []
    assert missing_languages("Fluent German required.", []) == []  # nothing listed: not judged


def _posting(pid: str, description: str) -> PostingData:
    return PostingData(source="feed:x", external_id=pid, title="Supply Chain Planner", company=f"Firma {pid}",
                       location="Rotterdam, Netherlands", description=description)


def test_a_posting_requiring_an_unspoken_language_ranks_below_and_says_why() -> None:
    profile = ProfileFacts(name="Ana", email="ana@example.org", location="Rotterdam, Netherlands",
                           skills=["SAP", "Forecasting"], languages=["English (native)", "Portuguese (C2)"],
                           suggested_titles=["Supply Chain Planner"], years_experience=5)
    needs_dutch = _posting("a", "SAP and forecasting. Vloeiend Nederlands is vereist.")
    open_to_all = _posting("b", "SAP and forecasting. Our team works in English.")
    ranked = rank_postings(profile, [needs_dutch, open_to_all], query="Supply Chain Planner",
                           location="Rotterdam, Netherlands")
    assert [m.posting.external_id for m in ranked] == ["b", "a"]
    assert ranked[0].score - ranked[1].score >= 10
    assert "asks for Dutch, which the profile does not list" in ranked[1].reasons
    assert not any("asks for" in r for r in ranked[0].reasons)
