"""A posting feed in six languages and five other scripts, for the search and dedup tests of issue 25.

The right postings sit deep among thousands of English ones, spelled the ways people write them: with and
without umlauts ("Fachkräfte" / "Fachkraefte"), gendered ("Lehrerin", "(m/w/d)", "(H/F)", "Enfermero/a"),
accented or not ("Ingénieur" / "Ingenieur"). Non-Latin postings come many to one employer, so a normaliser
that drops their letters collapses them into one fingerprint.
"""

from __future__ import annotations

import random
from typing import Any

from tests.posting_corpus import generate

# (language, title, city, description sentence in that language)
LOCAL: list[tuple[str, str, str, str]] = [
    ("de", "Elektroniker für Betriebstechnik (m/w/d)", "München, Deutschland",
     "Sie warten und reparieren elektrische Anlagen, prüfen nach DGUV V3 und arbeiten mit SPS Siemens S7."),
    ("de", "Elektroniker fuer Betriebstechnik", "Augsburg, Deutschland",
     "Wir suchen Verstärkung für die Instandhaltung unserer Produktionsanlagen im Schichtbetrieb."),
    ("de", "Straßenbauer (m/w/d)", "Köln, Deutschland",
     "Sie bauen Straßen, Wege und Plätze und arbeiten im Team mit unseren Polieren."),
    ("de", "Strassenbauer Vorarbeiter", "Bonn, Deutschland",
     "Für unsere Baustellen im Rheinland suchen wir einen erfahrenen Vorarbeiter im Straßenbau."),
    ("de", "Pflegefachkräfte für die Intensivstation", "Berlin, Deutschland",
     "Unsere Klinik sucht Pflegefachkräfte mit Erfahrung in der Intensivpflege und Freude am Team."),
    ("de", "Lehrerin für Mathematik und Physik", "Hamburg, Deutschland",
     "Unser Gymnasium sucht eine Lehrkraft für den Unterricht in der Sekundarstufe."),
    ("de", "Bäckermeister (m/w/d)", "Stuttgart, Deutschland",
     "Sie führen unsere Backstube, planen die Produktion und bilden Auszubildende aus."),
    ("nl", "Docent Wiskunde", "Utrecht, Nederland",
     "Wij zoeken een enthousiaste docent voor de bovenbouw van havo en vwo."),
    ("nl", "Verpleegkundige interne geneeskunde", "Rotterdam, Nederland",
     "Als verpleegkundige werk je in een betrokken team op de afdeling interne geneeskunde."),
    ("fr", "Ingénieur logiciel (H/F)", "Lyon, France",
     "Vous concevez et développez des services en Python au sein d'une équipe agile."),
    ("fr", "Ingenieur Logiciel Senior", "Paris, France",
     "Rejoignez notre équipe produit pour construire la plateforme de paiement de demain."),
    ("fr", "Infirmière de bloc opératoire", "Marseille, France",
     "Notre clinique recrute une infirmière pour son bloc opératoire, poste en CDI."),
    ("es", "Enfermero/a de urgencias", "Madrid, España",
     "Buscamos enfermeros y enfermeras con experiencia en urgencias hospitalarias."),
    ("es", "Técnico de mantenimiento industrial", "Valencia, España",
     "Realizarás el mantenimiento preventivo y correctivo de las líneas de producción."),
    ("pt", "Técnico de manutenção", "Porto, Portugal",
     "Procuramos um técnico para a manutenção preventiva dos equipamentos da fábrica."),
    ("pt", "Designer de produto", "Lisboa, Portugal",
     "Procuramos um designer de produto para desenhar a experiência da nossa aplicação."),
]

# Many postings of one employer per script: a normaliser that drops these letters makes them one posting.
SCRIPTS: dict[str, tuple[str, str, list[str]]] = {
    "ru": ("Яндекс", "Москва, Россия", ["Программист Python", "Программист Java", "Аналитик данных",
                                         "Инженер по тестированию", "Системный администратор",
                                         "Менеджер проектов", "Бухгалтер", "Дизайнер интерфейсов"]),
    "el": ("Εταιρεία Λογισμικού", "Αθήνα, Ελλάδα", ["Μηχανικός λογισμικού", "Λογιστής", "Νοσηλευτής",
                                                    "Πωλητής", "Αναλυτής δεδομένων"]),
    "ar": ("شركة البرمجيات", "دبي", ["مهندس برمجيات", "محاسب", "ممرض", "مدير مشروع", "مصمم جرافيك"]),
    "zh": ("腾讯", "深圳, 中国", ["软件工程师", "数据分析师", "产品经理", "测试工程师", "会计", "人力资源专员",
                              "前端开发工程师", "运维工程师"]),
    "ja": ("株式会社テスト", "東京, 日本", ["ソフトウェアエンジニア", "データサイエンティスト", "看護師", "営業担当",
                                      "経理スタッフ"]),
}


def local_postings() -> list[dict[str, Any]]:
    out = []
    for i, (lang, title, city, sentence) in enumerate(LOCAL):
        out.append({"id": f"local-{lang}-{i}", "title": title, "company": f"Arbeitgeber {i} GmbH",
                    "location": city, "url": f"https://jobs.example/local/{i}",
                    "description": " ".join([sentence] * 4)})
    return out


def script_postings() -> list[dict[str, Any]]:
    out = []
    for code, (company, city, titles) in SCRIPTS.items():
        for i, title in enumerate(titles):
            out.append({"id": f"script-{code}-{i}", "title": title, "company": company, "location": city,
                        "description": f"{title}. {title} — {company}, {city}."})  # no URL: the fingerprint decides
    return out


def multilingual_feed(filler: int = 3000, seed: int = 11) -> list[dict[str, Any]]:
    """``filler`` English postings with the local and other-script postings scattered through the back half."""
    postings = generate(filler, seed=seed, prefix="en")
    rng = random.Random(seed)
    for posting in [*local_postings(), *script_postings()]:
        postings.insert(rng.randrange(filler // 2, len(postings)), posting)
    return postings
