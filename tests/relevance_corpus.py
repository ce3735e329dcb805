"""The relevance bench's data (issue 24 §1): personas of many trades, countries and languages, each with the
postings a careful recruiter would send them and six kinds of decoy, hidden among thousands of others.

Each persona has three *right* postings (the title as the person writes it and two local variants, in the
person's city written three ways: "Leeds, UK", "Leeds LS6", "Leeds, West Yorkshire") and one decoy of each
kind: the right title far away, the wrong level, a trainee post (apprenticeship/internship), a look-alike
field, a remote post closed to the person's region, and a closed posting in the right city. The right
postings are placed late in the feed, where a "first N rows" shortcut would miss them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from tests.posting_corpus import generate

DECOY_KINDS = ("far_away", "wrong_level", "trainee", "lookalike", "remote_elsewhere", "closed")

_HEAD = {"en": "Head of {t}", "de": "Leiter {t}", "nl": "Hoofd {t}", "fr": "Directeur {t}", "es": "Director de {t}",
         "pt": "Diretor de {t}"}
_TRAINEE = {"en": "{t} Apprenticeship", "de": "Ausbildung zum {t} 2027", "nl": "BBL-leerling {t}",
            "fr": "Apprentissage {t} (alternance)", "es": "Prácticas {t}", "pt": "Estágio {t}"}
_CLOSED = {"en": "{t} [VACANCY CLOSED]", "de": "{t} – Stelle bereits besetzt", "nl": "{t} (vacature gesloten)",
           "fr": "{t} – offre pourvue", "es": "{t} – oferta cerrada", "pt": "{t} – vaga encerrada"}
_HEADINGS = {"en": ("Profile", "Experience", "Education", "Skills", "Present"),
             "de": ("Profil", "Berufserfahrung", "Ausbildung", "Kenntnisse", "heute"),
             "nl": ("Profiel", "Werkervaring", "Opleiding", "Vaardigheden", "heden"),
             "fr": ("Profil", "Expérience professionnelle", "Formation", "Compétences", "aujourd'hui"),
             "es": ("Perfil", "Experiencia", "Formación", "Habilidades", "actualidad"),
             "pt": ("Perfil", "Experiência", "Formação", "Competências", "atual")}


@dataclass(frozen=True)
class Persona:
    key: str
    lang: str
    name: str
    location: str  # as the person writes it in the CV
    title: str  # what they would type into the search
    variants: tuple[str, str]  # two more titles a recruiter would send them
    places: tuple[str, str, str]  # their city, written three ways
    far: str  # the right title somewhere they did not ask for
    lookalike: str  # a near field that shares words with the title
    remote_elsewhere: str  # "Remote - US only" for someone in Europe
    skills: tuple[str, ...]
    years: int
    employers: tuple[str, str]


PERSONAS: tuple[Persona, ...] = (
    Persona("teacher-leeds", "en", "Aisha Rahman", "Leeds, UK", "Mathematics Teacher",
            ("Teacher of Mathematics (MPS/UPS)", "Maths Teacher KS3 to KS5"),
            ("Leeds, UK", "Leeds LS6", "Leeds, West Yorkshire"), "Bristol, UK", "Mathematics Researcher",
            "Remote - US only", ("lesson planning", "GCSE", "A-level", "safeguarding", "differentiation"), 6,
            ("Roundhay School", "Leeds City Academy")),
    Persona("planner-rotterdam", "en", "Daan de Vries", "Rotterdam, Netherlands", "Supply Chain Planner",
            ("Demand Planner Supply Chain", "Supply Planner"),
            ("Rotterdam, Netherlands", "3011 AB Rotterdam", "Rotterdam, Zuid-Holland"), "Madrid, Spain",
            "Supply Chain Software Engineer", "Remote - US only", ("SAP APO", "S&OP", "forecasting", "Excel",
                                                                   "inventory management"), 5,
            ("Port Logistics BV", "Maasvlakte Foods")),
    Persona("designer-lisbon", "en", "Inês Carvalho", "Lisbon, Portugal", "Product Designer",
            ("UX Product Designer", "Senior Product Designer"),
            ("Lisbon, Portugal", "Lisboa, Portugal", "1200-195 Lisboa"), "São Paulo, Brazil",
            "Product Manager", "Remote - Americas only", ("Figma", "user research", "prototyping",
                                                          "design systems", "usability testing"), 5,
            ("Farfetch Labs", "Talkdesk Studio")),
    Persona("electrician-munich", "de", "Markus Huber", "80797 München", "Elektroniker für Betriebstechnik",
            ("Elektroniker Betriebstechnik (m/w/d)", "Industrieelektroniker Instandhaltung"),
            ("München, Deutschland", "80331 München", "München, Bayern"), "Hamburg, Deutschland",
            "Elektronikentwickler Hardware", "Remote - USA", ("SPS", "Siemens S7", "Fehlersuche", "EPLAN", "KNX"), 7,
            ("BMW Werk München", "Stadtwerke München")),
    Persona("nurse-madrid", "es", "Lucía Fernández", "Madrid, España", "Enfermera de urgencias",
            ("Enfermero/a urgencias hospitalarias", "Enfermera UCI"),
            ("Madrid, España", "28006 Madrid", "Madrid, Comunidad de Madrid"), "Sevilla, España",
            "Técnico de laboratorio", "Remote - US only", ("triaje", "RCP", "cuidados intensivos", "vía venosa",
                                                           "SAP sanitario"), 8,
            ("Hospital La Paz", "Hospital Gregorio Marañón")),
    Persona("developer-lyon", "fr", "Julien Moreau", "Lyon, France", "Ingénieur logiciel",
            ("Ingénieur logiciel Python (H/F)", "Développeur backend Python"),
            ("Lyon, France", "69003 Lyon", "Lyon, Auvergne-Rhône-Alpes"), "Montréal, Canada",
            "Ingénieur commercial logiciel", "Remote - US only", ("Python", "Django", "PostgreSQL", "Docker",
                                                                  "Kubernetes"), 6, ("Sopra Steria", "Esker")),
    Persona("teacher-utrecht", "nl", "Sanne Bakker", "Utrecht, Nederland", "Docent wiskunde",
            ("Docent wiskunde havo/vwo", "Leraar wiskunde"),
            ("Utrecht, Nederland", "3511 AB Utrecht", "Utrecht, Utrecht"), "Groningen, Nederland",
            "Docent natuurkunde", "Remote - US only", ("lesvoorbereiding", "toetsing", "mentoraat", "havo", "vwo"), 5,
            ("Christelijk Gymnasium Utrecht", "Stedelijk Gymnasium")),
    Persona("technician-porto", "pt", "Rui Almeida", "Porto, Portugal", "Técnico de manutenção",
            ("Técnico de manutenção industrial", "Técnico de manutenção eletromecânica"),
            ("Porto, Portugal", "4000-322 Porto", "Porto, Norte"), "Faro, Portugal",
            "Técnico comercial", "Remote - US only", ("manutenção preventiva", "PLC", "hidráulica", "soldadura",
                                                      "pneumática"), 6, ("Continental Mabor", "Efacec")),
    Persona("accountant-manchester", "en", "Tom Whitaker", "Manchester, UK", "Management Accountant",
            ("Assistant Management Accountant", "Management Accountant (ACCA)"),
            ("Manchester, UK", "Manchester M1", "Manchester, Greater Manchester"), "Edinburgh, UK",
            "Accounts Payable Clerk", "Remote - US only", ("month-end close", "variance analysis", "Sage",
                                                           "budgeting", "ACCA"), 5, ("Kellogg's UK", "AO.com")),
    Persona("driver-hamburg", "de", "Jens Petersen", "22767 Hamburg", "Berufskraftfahrer",
            ("Berufskraftfahrer CE Nahverkehr", "LKW-Fahrer CE (m/w/d)"),
            ("Hamburg, Deutschland", "20457 Hamburg", "Hamburg, Hamburg"), "Wien, Österreich",
            "Fahrlehrer", "Remote - US only", ("Führerschein CE", "Fahrerkarte", "ADR", "Ladungssicherung",
                                               "Tourenplanung"), 9, ("Hamburger Hafen Logistik", "Spedition Kühne")),
    Persona("chef-paris", "fr", "Camille Laurent", "Paris, France", "Chef de cuisine",
            ("Chef de cuisine brasserie", "Sous-chef de cuisine"),
            ("Paris, France", "75011 Paris", "Paris, Île-de-France"), "Bruxelles, Belgique",
            "Chef de projet informatique", "Remote - US only", ("HACCP", "gestion des stocks", "cuisine française",
                                                                "management d'équipe", "élaboration de menus"), 10,
            ("Le Grand Véfour", "Brasserie Lipp")),
    Persona("analyst-dublin", "en", "Niamh Byrne", "Dublin, Ireland", "Data Analyst",
            ("Data Analyst SQL", "Business Data Analyst"),
            ("Dublin, Ireland", "Dublin 2", "Dublin, Leinster"), "London, UK", "Data Entry Clerk",
            "Remote - US only", ("SQL", "Power BI", "Python", "Excel", "statistics"), 4, ("Stripe Dublin", "AIB")),
    Persona("pharmacist-barcelona", "es", "Jordi Puig", "Barcelona, España", "Farmacéutico comunitario",
            ("Farmacéutico/a adjunto", "Farmacéutico de oficina de farmacia"),
            ("Barcelona, España", "08001 Barcelona", "Barcelona, Cataluña"), "Bilbao, España",
            "Visitador médico", "Remote - US only", ("atención farmacéutica", "dispensación", "formulación magistral",
                                                     "farmacovigilancia", "Nixfarma"), 6,
            ("Farmacia Puig", "Farmacia Central")),
    Persona("welder-glasgow", "en", "Callum Reid", "Glasgow, UK", "Welder Fabricator",
            ("MIG/TIG Welder", "Coded Welder"),
            ("Glasgow, UK", "Glasgow G51", "Glasgow, Scotland"), "Aberdeen, UK", "Welding Inspector",
            "Remote - US only", ("MIG", "TIG", "blueprint reading", "fabrication", "stainless steel"), 8,
            ("BAE Systems Govan", "Clyde Fabrications")),
    Persona("physio-amsterdam", "nl", "Lotte Visser", "Amsterdam, Nederland", "Fysiotherapeut",
            ("Fysiotherapeut eerstelijns praktijk", "Sportfysiotherapeut"),
            ("Amsterdam, Nederland", "1017 AB Amsterdam", "Amsterdam, Noord-Holland"), "Antwerpen, België",
            "Ergotherapeut", "Remote - US only", ("revalidatie", "manuele therapie", "oefentherapie", "dry needling",
                                                  "sportblessures"), 5, ("Fysio Centrum Zuid", "OLVG")),
    Persona("marketing-newyork", "en", "Maya Goldberg", "New York, NY, USA", "Marketing Manager",
            ("Digital Marketing Manager", "Growth Marketing Manager"),
            ("New York, NY", "Brooklyn, NY 11201", "New York, New York, USA"), "Los Angeles, CA",
            "Marketing Coordinator", "Remote - EU only", ("SEO", "Google Analytics", "HubSpot", "paid social",
                                                          "content strategy"), 7, ("Etsy", "Squarespace")),
)


def _describe(rng: random.Random, persona: Persona, title: str, skills: tuple[str, ...]) -> str:
    picked = rng.sample(list(skills), k=min(4, len(skills)))
    return f"{title}. " + " ".join(f"{s}." for s in picked) * 3


def persona_postings(persona: Persona, seed: int = 5) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """(postings, id -> "right" or a decoy kind) for one persona."""
    rng = random.Random(f"{seed}-{persona.key}")
    company = f"{persona.employers[0]} Group"
    rows: list[tuple[str, str, str, dict[str, Any]]] = []
    for i, (title, place) in enumerate(zip((persona.title, *persona.variants), persona.places, strict=True)):
        rows.append((f"right{i}", title, place, {}))
    t, lang = persona.title, persona.lang
    rows += [("far_away", t, persona.far, {}),
             ("wrong_level", _HEAD[lang].format(t=t), persona.places[0], {}),
             ("trainee", _TRAINEE[lang].format(t=t), persona.places[0], {}),
             ("lookalike", persona.lookalike, persona.places[0], {}),
             ("remote_elsewhere", f"{t} (remote)", persona.remote_elsewhere, {"remote": True}),
             ("closed", _CLOSED[lang].format(t=t), persona.places[0], {})]
    postings, kinds = [], {}
    for kind, title, place, extra in rows:
        pid = f"{persona.key}-{kind}"
        skills = persona.skills if kind != "lookalike" else persona.skills[:1]
        postings.append({"id": pid, "title": title, "company": f"{company} {kind[:3]}", "location": place,
                         "url": f"https://jobs.example/rel/{pid}", "remote": False,
                         "description": _describe(rng, persona, title, skills), **extra})
        kinds[pid] = "right" if kind.startswith("right") else kind
    return postings, kinds


def bench_feed(personas: tuple[Persona, ...] = PERSONAS, filler: int = 3000,
               seed: int = 5) -> tuple[list[dict[str, Any]], dict[str, dict[str, str]]]:
    """The whole feed and, per persona, its labelled postings; theirs sit in the last third of the feed."""
    feed = generate(filler, seed=seed, prefix="rel-filler")
    rng = random.Random(seed)
    labels: dict[str, dict[str, str]] = {}
    for persona in personas:
        postings, kinds = persona_postings(persona, seed)
        labels[persona.key] = kinds
        for posting in postings:
            feed.insert(rng.randrange(2 * len(feed) // 3, len(feed) + 1), posting)
    return feed, labels


def cv_text(persona: Persona) -> str:
    """A Markdown CV in the persona's language, as people write them (headings in their language)."""
    profile, experience, education, skills, present = _HEADINGS[persona.lang]
    start = 2026 - persona.years
    middle = start + persona.years // 2
    email = persona.key.replace("-", ".") + "@example.org"
    lines = [f"# {persona.name}", "", f"{persona.title} · {persona.location} · {email} · +44 7700 900123", "",
             f"## {profile}", "", f"{persona.title}, {persona.years} years. {', '.join(persona.skills[:3])}.", "",
             f"## {experience}", "",
             f"### {persona.title} — {persona.employers[0]}, {persona.places[0].split(',')[0]}",
             f"*{middle:04d}-03 – {present}*", "",
             *(f"- {s}: daily work." for s in persona.skills[:3]), "",
             f"### {persona.variants[0]} — {persona.employers[1]}, {persona.places[0].split(',')[0]}",
             f"*{start:04d}-01 – {middle:04d}-02*", "",
             *(f"- {s}." for s in persona.skills[3:]), "",
             f"## {education}", "", f"- {start - 3}–{start}: diploma", "",
             f"## {skills}", "", *(f"- {s}" for s in persona.skills), ""]
    return "\n".join(lines)
