"""CVs in German, Dutch, French, Spanish and Portuguese, generated from a structured truth (issue 25 §5).

Each CV is a ``LangCV``: the facts a careful reader takes from it (location, jobs with their dates, the
apprenticeship, years, level, spoken languages, the title to search for first), and the words its writer
used for them (headings, date ranges, the header line). ``render`` writes it as Markdown, plain text, PDF
(reportlab) or DOCX (python-docx), so the same truth is checked through every reader.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tests.documents import make_docx, make_pdf

TODAY = (2026, 12)  # what "heute", "heden", "présent", "actualidad" and "atual" mean in these tests


@dataclass(frozen=True)
class LangJob:
    title: str  # as written, gender markers included
    employer: str
    place: str
    dates: str  # as written in the CV's language
    start: str  # "YYYY-MM", the truth
    end: str | None  # None: to the present
    bullets: tuple[str, ...] = ()

    @property
    def clean_title(self) -> str:
        return self.title.replace(" (m/w/d)", "").replace(" (H/F)", "").replace(" (m/v)", "")


@dataclass(frozen=True)
class LangCV:
    key: str
    lang: str
    name: str
    header: str  # the contact line under the name, as written
    location: str  # the truth
    headings: dict[str, str]  # kind -> heading as written
    summary: str
    jobs: tuple[LangJob, ...]  # newest first; jobs[0] is the current one
    education: tuple[str, ...]
    skills: str
    spoken: tuple[str, ...]  # lines of the languages section
    languages: tuple[str, ...]  # the truth: "German (native)", ...
    years: int
    level: str
    first_title: str
    apprenticeship: str | None = None  # the training entry's degree, wherever the CV lists it
    experience_extra: tuple[LangJob, ...] = field(default_factory=tuple)  # training listed among the jobs


CVS: tuple[LangCV, ...] = (
    LangCV(
        "de-electrician", "de", "Markus Huber", "Leopoldstraße 12 · 80797 München · markus.huber@example.org",
        "München",
        {"summary": "Profil", "experience": "Berufserfahrung", "education": "Ausbildung", "skills": "Kenntnisse",
         "languages": "Sprachen"},
        "Elektroniker für Betriebstechnik mit Erfahrung in Instandhaltung und SPS-Programmierung.",
        (LangJob("Elektroniker für Betriebstechnik", "BMW AG", "München", "seit 09/2022", "2022-09", None,
                 ("Fehlersuche an SPS-gesteuerten Fertigungsanlagen.", "Prüfung nach DGUV V3.")),
         LangJob("Elektroniker (m/w/d)", "Stadtwerke München GmbH", "München", "09/2019 – 08/2022", "2019-09",
                 "2022-08", ("Elektroinstallation in Umspannwerken.",))),
        ("09/2016 – 08/2019  Ausbildung zum Elektroniker für Betriebstechnik, Siemens AG, München",
         "2016  Mittlere Reife, Realschule München"),
        "SPS, Siemens S7, EPLAN, KNX, Fehlersuche",
        ("Deutsch (Muttersprache), Englisch (B2)",), ("German (native)", "English (B2)"),
        7, "mid", "Elektroniker für Betriebstechnik",
        apprenticeship="Ausbildung zum Elektroniker für Betriebstechnik"),
    LangCV(
        "de-meister", "de", "Karl Schmidt", "Adresse: Lister Meile 4, 30161 Hannover", "Hannover",
        {"summary": "Kurzprofil", "experience": "Beruflicher Werdegang", "education": "Schulischer Werdegang",
         "skills": "Fähigkeiten", "languages": "Sprachkenntnisse"},
        "Industriemeister mit Führungserfahrung in der Instandhaltung.",
        (LangJob("Industriemeister Elektrotechnik", "Continental AG", "Hannover", "seit März 2021", "2021-03",
                 None, ("Leitung eines Teams von zwölf Elektronikern.",)),
         LangJob("Elektroniker für Automatisierungstechnik", "Robert Bosch GmbH", "Stuttgart",
                 "März 2014 bis Februar 2021", "2014-03", "2021-02", ("Inbetriebnahme von Anlagen.",))),
        ("2010  Realschulabschluss, Realschule Stuttgart",),
        "SPS, Siemens S7, Personalführung",
        ("Deutsch: Muttersprache | Englisch: gut",), ("German (native)", "English (good)"),
        12, "lead", "Industriemeister Elektrotechnik",
        apprenticeship="Auszubildender Elektroniker",
        experience_extra=(LangJob("Auszubildender Elektroniker", "Robert Bosch GmbH", "Stuttgart",
                                  "09/2010 – 02/2014", "2010-09", "2014-02", ("Berufsschule und Betrieb.",)),)),
    LangCV(
        "nl-teacher", "nl", "Sanne Bakker", "Oudegracht 10, 3511 AB Utrecht | sanne.bakker@example.org",
        "Utrecht",
        {"summary": "Profiel", "experience": "Werkervaring", "education": "Opleiding", "skills": "Vaardigheden",
         "languages": "Talen"},
        "Ervaren docent wiskunde voor havo en vwo.",
        (LangJob("Docent wiskunde", "Christelijk Gymnasium Utrecht", "Utrecht", "2021 – heden", "2021-01", None,
                 ("Lessen wiskunde B voor havo 4 en vwo 5.",)),
         LangJob("Docent wiskunde (m/v)", "Stedelijk Gymnasium Leiden", "Leiden", "augustus 2016 – december 2020",
                 "2016-08", "2020-12", ("Mentor van een brugklas.",))),
        ("2012 – 2016  Lerarenopleiding Wiskunde, Hogeschool Utrecht",),
        "lesvoorbereiding, toetsing, mentoraat",
        ("Nederlands (moedertaal), Engels (C1), Duits (B1)",), ("Dutch (native)", "English (C1)", "German (B1)"),
        10, "senior", "Docent wiskunde"),
    LangCV(
        "fr-developer", "fr", "Julien Moreau", "12 rue Oberkampf, 75011 Paris · julien.moreau@example.org", "Paris",
        {"summary": "Profil", "experience": "Expérience professionnelle", "education": "Formation",
         "skills": "Compétences", "languages": "Langues"},
        "Ingénieur logiciel spécialisé en Python et en bases de données.",
        (LangJob("Ingénieur logiciel Python (H/F)", "Sopra Steria", "Paris", "janvier 2019 – présent", "2019-01",
                 None, ("Conception d'API REST en Django.",)),
         LangJob("Développeur backend", "Esker SA", "Lyon", "03/2016 – 12/2018", "2016-03", "2018-12",
                 ("Migration vers PostgreSQL.",))),
        ("2011 – 2016  Diplôme d'ingénieur, INSA Lyon",),
        "Python, Django, PostgreSQL, Docker",
        ("Français (langue maternelle), Anglais courant, Espagnol (B1)",),
        ("French (native)", "English (fluent)", "Spanish (B1)"),
        10, "senior", "Ingénieur logiciel Python"),
    LangCV(
        "es-nurse", "es", "Lucía Fernández", "Calle de Serrano 45, 28006 Madrid | lucia.fernandez@example.org",
        "Madrid",
        {"summary": "Perfil", "experience": "Experiencia laboral", "education": "Formación", "skills": "Habilidades",
         "languages": "Idiomas"},
        "Enfermera con experiencia en urgencias hospitalarias.",
        (LangJob("Enfermera de urgencias", "Hospital Universitario La Paz", "Madrid", "desde 2018 – actualidad",
                 "2018-01", None, ("Triaje y atención en urgencias.",)),
         LangJob("Enfermera", "Hospital Gregorio Marañón", "Madrid", "marzo de 2014 – diciembre de 2017",
                 "2014-03", "2017-12", ("Cuidados intensivos.",))),
        ("2010 – 2014  Grado en Enfermería, Universidad Complutense de Madrid",),
        "triaje, RCP, cuidados intensivos",
        ("Español (nativo), Inglés (B2)",), ("Spanish (native)", "English (B2)"),
        12, "senior", "Enfermera de urgencias"),
    LangCV(
        "pt-technician", "pt", "Rui Almeida", "Rua Augusta 100, 1200-195 Lisboa · rui.almeida@example.org",
        "Lisboa",
        {"summary": "Perfil", "experience": "Experiência profissional", "education": "Formação",
         "skills": "Competências", "languages": "Línguas"},
        "Técnico de manutenção com experiência em linhas de produção.",
        (LangJob("Técnico de manutenção industrial", "Continental Mabor", "Lousado", "2017 – atual", "2017-01",
                 None, ("Manutenção preventiva de prensas.",)),
         LangJob("Eletricista", "Efacec Energia S.A.", "Porto", "setembro de 2012 – dezembro de 2016", "2012-09",
                 "2016-12", ("Montagem de quadros elétricos.",))),
        ("2009 – 2012  Curso Profissional de Eletrotecnia, Escola Profissional de Lisboa",),
        "manutenção preventiva, PLC, hidráulica",
        ("Português (nativo), Inglês (fluente), Espanhol (intermédio)",),
        ("Portuguese (native)", "English (fluent)", "Spanish (good)"),
        14, "senior", "Técnico de manutenção industrial"),
)

LAYOUTS = ("md", "text", "pdf", "docx")


def _jobs(cv: LangCV) -> tuple[LangJob, ...]:
    return cv.jobs + cv.experience_extra


def lines(cv: LangCV, layout: str) -> list[str]:
    """The CV as lines: Markdown with "##" (or, every other CV, bold-line) headings and title-first entries;
    plain text, PDF and DOCX with headings as written (capitals in plain text) and date-left entries."""
    md = layout == "md"
    bold = md and CVS.index(cv) % 2 == 1

    def heading(kind: str) -> str:
        text = cv.headings[kind]
        if md:
            return f"**{text}**" if bold else f"## {text}"
        return text.upper() if layout == "text" else text

    out = [f"# {cv.name}" if md else cv.name, cv.header, "", heading("summary"), cv.summary, "",
           heading("experience")]
    for job in _jobs(cv):
        if md:
            out += [f"### {job.title} — {job.employer}, {job.place}", f"*{job.dates}*"]
        else:
            out.append(f"{job.dates}   {job.title}, {job.employer}, {job.place}")
        out += [f"{'-' if md else '•'} {b}" for b in job.bullets]
        out.append("")
    out += [heading("education"), *(f"- {e}" if md else e for e in cv.education), "",
            heading("skills"), cv.skills, "", heading("languages"), *cv.spoken]
    return out


def render(cv: LangCV, layout: str, directory: Path) -> Path:
    stem = directory / f"{cv.key}-{layout}"
    if layout == "pdf":
        return make_pdf(stem.with_suffix(".pdf"), lines(cv, layout))
    if layout == "docx":
        return make_docx(stem.with_suffix(".docx"), lines(cv, layout))
    path = stem.with_suffix(".md" if layout == "md" else ".txt")
    path.write_text("\n".join(lines(cv, layout)) + "\n", encoding="utf-8")
    return path
