"""The one normaliser and tokeniser (issue 25 §1): letters of every script kept, Latin accents folded, and
posting keys that never collide for distinct postings in any script."""

from __future__ import annotations

import itertools

from jobagent.languages import detect, stem
from jobagent.postings.dedup import posting_fingerprint, repost_key
from jobagent.postings.indexing import query_slots, search_title
from jobagent.postings.schema import PostingData
from jobagent.text import fold, normalize, words
from tests.multilingual_corpus import LOCAL, SCRIPTS

# Words per script, combined in pairs: hundreds of distinct titles an ASCII-only key turned into "".
VOCABULARY = {
    "cyrillic": ["программист", "инженер", "аналитик", "бухгалтер", "менеджер", "дизайнер", "водитель", "учитель"],
    "greek": ["μηχανικός", "λογιστής", "νοσηλευτής", "πωλητής", "αναλυτής", "δάσκαλος", "οδηγός", "σχεδιαστής"],
    "arabic": ["مهندس", "محاسب", "ممرض", "مدير", "مصمم", "سائق", "معلم", "مبرمج"],
    "chinese": ["软件", "工程师", "数据", "分析师", "产品", "经理", "测试", "会计"],
    "japanese": ["ソフトウェア", "エンジニア", "データ", "看護師", "営業", "経理", "デザイナー", "教師"],
}


def _posting(title: str, company: str = "Одна компания", location: str = "Москва") -> PostingData:
    return PostingData(source="feed:x", external_id=title, title=title, company=company, location=location)


def test_distinct_titles_in_every_script_keep_distinct_keys() -> None:
    titles = [f"{a} {b}" for vocab in VOCABULARY.values() for a, b in itertools.permutations(vocab, 2)]
    assert len(titles) == 5 * 56
    fingerprints = {posting_fingerprint(_posting(t)) for t in titles}
    reposts = {repost_key("Одна компания", t) for t in titles}
    assert len(fingerprints) == len(titles) and len(reposts) == len(titles)
    assert all(normalize(t) for t in titles)


def test_spellings_of_one_latin_title_share_one_key() -> None:
    same = [("Société Générale", "Societe  Generale"), ("Zürich", "ZURICH"), ("Straße", "strasse"),
            ("Bjørn Ærø", "bjorn aero"), ("Łódź", "Lodz"), ("ﬁnance", "finance")]
    for a, b in same:
        assert normalize(a) == normalize(b), (a, b)
    assert posting_fingerprint(_posting("Ingénieur logiciel", "Thalès", "Lyon")) == \
        posting_fingerprint(_posting("INGENIEUR LOGICIEL", "Thales", "Lyon"))


def test_the_tokeniser_keeps_words_of_any_script_whole() -> None:
    assert words("Elektroniker für Betriebstechnik (m/w/d)") == ["elektroniker", "fur", "betriebstechnik", "m",
                                                                  "w", "d"]
    assert words("C++ / C# Developer") == ["c++", "c#", "developer"]
    assert words("हिन्दी शिक्षक") == ["हिन्दी", "शिक्षक"]  # vowel signs stay inside their word
    assert words("Ingénieur", folded=False) == ["ingénieur"] and fold("Ingénieur") == "ingenieur"


def test_search_title_and_query_meet_across_spellings_and_genders() -> None:
    def meets(query: str, title: str, language: str) -> bool:
        indexed = set(search_title(title, language).split())
        return all(set(slot) & indexed for slot in query_slots(query))

    assert meets("Pflegefachkraefte", "Pflegefachkräfte Intensiv", "de")
    assert meets("Lehrer", "Lehrerin für Mathematik", "de")
    assert meets("Enfermera", "Enfermero/a de urgencias", "es")
    assert meets("Elektroniker für Betriebstechnik", "Elektroniker Betriebstechnik", "de")  # "für" is no slot
    assert meets("工程师", "软件工程师", "zh") and not meets("软件工程师", "数据分析师", "zh")
    assert not meets("Backend", "Bäckermeister", "de")
    assert stem("fachkraefte", "de") == stem("fachkrafte", "de")


def test_language_detection_names_each_local_posting() -> None:
    wrong = [(lang, title) for lang, title, _, sentence in LOCAL if detect(f"{title}\n{sentence}") != lang]
    assert wrong == []
    for code, (_, _, titles) in SCRIPTS.items():
        assert detect(" ".join(titles)) == code
    assert detect("12345 — 678") is None
