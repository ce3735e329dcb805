"""Finding profile facts in CV text with fixed rules and vocabularies.

Deterministic on purpose: the same CV always gives the same profile, every fact can be pointed at in the
text, and nothing is guessed. A fact that is not found stays empty rather than being made up; the only
derived field is ``suggested_titles``, and it is built from titles and skills that were found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib.resources import files

from jobagent.cv.schema import ExtractedProfile
from jobagent.errors import InvalidInput

MIN_WORDS = 30
MAX_SUGGESTIONS = 5


@dataclass(frozen=True)
class Term:
    name: str
    pattern: re.Pattern[str]
    related: tuple[str, ...] = ()


# --- vocabularies ---------------------------------------------------------------------------------------

def _data_rows(name: str) -> list[list[str]]:
    text = (files("jobagent") / "data" / name).read_text(encoding="utf-8")
    rows = []
    for raw in text.splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            rows.append([part.strip() for part in line.split("|") if part.strip()])
    return rows


# Spellings CVs use interchangeably for the same title word.
_TITLE_SPELLINGS = {"Backend": r"Back[ \t-]?end", "Frontend": r"Front[ \t-]?end",
                    r"Full[ \t-]+Stack": r"Full[ \t-]?Stack"}


def _form_regex(form: str, *, title: bool = False) -> str:
    """One spelling as a regex with boundaries that also work for C++, C#, .NET and CI/CD.

    Short forms and forms marked with "=" are ordinary words in lowercase ("go", "react", "rust"), so they
    only match as written; one- and two-letter forms also refuse neighbours like "-" or "&" ("Go-to",
    "R&D") and single letters refuse a following "." (the initial in "John R. Smith").
    """
    marked = form.startswith("=")
    form = form.removeprefix("=")
    body = r"[ \t-]+".join(re.escape(word) for word in form.split())
    if title:
        for plain, variant in _TITLE_SPELLINGS.items():
            body = body.replace(plain, variant)
    before, after = r"[\w+#.@]", r"[\w+#@]|\.\w"
    if len(form) <= 2:
        before, after = r"[\w+#.@&'’-]", r"[\w+#@&'’-]|\." + ("" if len(form) == 1 else r"\w")
    if not (marked or len(form) <= 3):
        body = f"(?i:{body})"
    return f"(?<!{before}){body}(?!{after})"


def _compile(forms: list[str], *, title: bool = False) -> re.Pattern[str]:
    unique = list(dict.fromkeys(forms))
    # Longest first, so "Vue.js" wins over "Vue" at the same position.
    unique.sort(key=lambda f: -len(f.removeprefix("=")))
    return re.compile("|".join(_form_regex(f, title=title) for f in unique))


@lru_cache(maxsize=1)
def skill_terms() -> tuple[Term, ...]:
    return tuple(Term(row[0].removeprefix("="), _compile(row)) for row in _data_rows("skills.txt"))


@lru_cache(maxsize=1)
def title_terms() -> tuple[Term, ...]:
    rows = _data_rows("titles.txt")
    return tuple(Term(row[0], _compile(row[:1], title=True), tuple(row[1:])) for row in rows)


# When a CV names no title we know, these skills point at titles (each skill found is one vote).
SKILL_TITLES: dict[str, tuple[str, ...]] = {
    "Python": ("Backend Engineer", "Data Engineer"), "Java": ("Backend Engineer",),
    "Go": ("Backend Engineer",), "PostgreSQL": ("Backend Engineer",), "Django": ("Backend Engineer",),
    "FastAPI": ("Backend Engineer",), "SQL": ("Data Analyst", "Data Engineer"),
    "JavaScript": ("Frontend Engineer", "Full Stack Engineer"),
    "TypeScript": ("Frontend Engineer", "Full Stack Engineer"), "React": ("Frontend Engineer",),
    "Node.js": ("Full Stack Engineer",), "Docker": ("DevOps Engineer",),
    "Kubernetes": ("DevOps Engineer", "Site Reliability Engineer"), "Terraform": ("DevOps Engineer",),
    "AWS": ("Cloud Engineer",), "Machine Learning": ("Machine Learning Engineer", "Data Scientist"),
    "Deep Learning": ("Machine Learning Engineer",), "PyTorch": ("Machine Learning Engineer",),
    "Statistics": ("Data Scientist", "Data Analyst"), "Tableau": ("Data Analyst",),
    "Power BI": ("Data Analyst",), "Apache Spark": ("Data Engineer",), "Airflow": ("Data Engineer",),
    "ETL": ("Data Engineer",), "Swift": ("iOS Developer",), "Kotlin": ("Android Developer",),
    "Flutter": ("Mobile Developer",), "Figma": ("Product Designer", "UX Designer"),
    "UX Design": ("UX Designer",), "User Research": ("UX Researcher",),
    "Adobe Photoshop": ("Graphic Designer",), "SEO": ("SEO Specialist", "Digital Marketing Manager"),
    "Google Ads": ("Digital Marketing Manager",), "Content Marketing": ("Content Marketing Manager",),
    "Salesforce": ("Account Executive",), "Lead Generation": ("Sales Development Representative",),
    "Business Development": ("Business Development Manager",),
    "Customer Success": ("Customer Success Manager",), "Accounting": ("Accountant",),
    "Bookkeeping": ("Bookkeeper",), "Financial Modeling": ("Financial Analyst",),
    "Financial Analysis": ("Financial Analyst",), "Project Management": ("Project Manager",),
    "Product Management": ("Product Manager",), "Scrum": ("Scrum Master",),
    "Patient Care": ("Registered Nurse",), "Nursing": ("Registered Nurse",), "Phlebotomy": ("Phlebotomist",),
    "Medical Coding": ("Medical Coder",), "Clinical Research": ("Clinical Research Coordinator",),
    "Cybersecurity": ("Security Engineer",), "Penetration Testing": ("Penetration Tester",),
    "Recruiting": ("Recruiter",),
}


# --- matching helpers -----------------------------------------------------------------------------------

def _find_terms(text: str, terms: tuple[Term, ...]) -> list[Term]:
    """Terms in order of first appearance; where two overlap ("SQL" in "SQL Server") the longer wins."""
    hits = [(m.start(), m.end(), i) for i, term in enumerate(terms) for m in term.pattern.finditer(text)]
    hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
    found: dict[int, None] = {}
    taken_until = -1
    for start, end, i in hits:
        if start >= taken_until:
            found.setdefault(i, None)
            taken_until = end
    return [terms[i] for i in found]


def _clean_line(line: str) -> str:
    """A line without Markdown decoration, so "## **Jane Doe**" and "- Location:" read as plain text."""
    line = re.sub(r"^\s*(?:#{1,6}\s+|[-*+•·]\s+|>\s*)", "", line)
    return re.sub(r"[*_`]+", "", line).strip()


def _top_lines(text: str, n: int = 10) -> list[str]:
    return [c for c in (_clean_line(line) for line in text.splitlines()) if c][:n]


# --- contact facts --------------------------------------------------------------------------------------

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_PHONE_LABELLED = re.compile(
    r"\b(?:phone|tel|telephone|mobile|cell)\b\.?\s*[:\-]?\s*(\+?\(?\d[\d \t().-]{5,}\d)", re.I)
_PHONE = re.compile(r"(?<![\w+/.-])(\+?\(?\d[\d \t().-]{5,}\d)(?![\w/])")
_YEAR_RANGE = re.compile(r"(?:19|20)\d{2}\s*[-–—]\s*(?:19|20)\d{2}")


def _find_phone(text: str) -> str | None:
    for pattern in (_PHONE_LABELLED, _PHONE):
        for m in pattern.finditer(text):
            candidate = " ".join(m.group(1).split())
            digits = re.sub(r"\D", "", candidate)
            if not 7 <= len(digits) <= 15 or _YEAR_RANGE.search(candidate):
                continue
            # Unlabelled digit runs are often dates or ids; only an international prefix or length convinces.
            if pattern is _PHONE and not (candidate.startswith("+") or len(digits) >= 9):
                continue
            return candidate
    return None


_NOT_NAMES = {"curriculum", "vitae", "resume", "résumé", "cv", "profile", "summary", "contact", "experience",
              "education", "skills", "about", "personal", "details", "information"}
_PARTICLES = {"van", "von", "de", "der", "den", "da", "di", "du", "del", "la", "le", "bin", "al", "dos"}


def _find_name(lines: list[str]) -> str | None:
    for line in lines:
        line = re.sub(r"^name\s*:\s*", "", line, flags=re.I)
        candidate = re.split(r"\s[-–—|]\s|\s*[|·•]\s*", line)[0].strip()
        words = candidate.split()
        if not 2 <= len(words) <= 4 or re.search(r"[@\d,:/()]", candidate):
            continue
        if any(w.lower() in _NOT_NAMES for w in words):
            continue
        if not all(w in _PARTICLES or (w[0].isupper() and all(c.isalpha() or c in "'’-." for c in w))
                   for w in words):
            continue
        if _find_terms(candidate, title_terms()) or _find_terms(candidate, skill_terms()):
            continue  # "Backend Engineer" or "Project Management" as a first line is a heading, not a name
        return candidate
    return None


_COUNTRIES = set(
    "Afghanistan Albania Algeria Argentina Armenia Australia Austria Azerbaijan Bangladesh Belarus "
    "Belgium Bolivia Brazil Bulgaria Cambodia Cameroon Canada Chile China Colombia Croatia Cuba Cyprus "
    "Czechia Denmark Ecuador Egypt England Estonia Ethiopia Finland France Georgia Germany Ghana Greece "
    "Hungary Iceland India Indonesia Iran Iraq Ireland Israel Italy Japan Jordan Kazakhstan Kenya "
    "Kosovo Latvia Lebanon Lithuania Luxembourg Malaysia Malta Mexico Moldova Montenegro Morocco Nepal "
    "Netherlands Nigeria Norway Pakistan Peru Philippines Poland Portugal Qatar Romania Russia Scotland "
    "Senegal Serbia Singapore Slovakia Slovenia Spain Sweden Switzerland Taiwan Tanzania Thailand "
    "Tunisia Turkey Türkiye Uganda Ukraine Uruguay Uzbekistan Venezuela Vietnam Wales Zambia UK USA US "
    "UAE EU Deutschland".split()
) | {"United Kingdom", "United States", "United States of America", "United Arab Emirates", "New Zealand",
     "South Africa", "South Korea", "Saudi Arabia", "Czech Republic", "Sri Lanka", "Hong Kong", "Costa Rica",
     "Bosnia and Herzegovina", "North Macedonia", "Dominican Republic"}
_LOCATION_LABEL = re.compile(
    r"^(?:(?:location|address|city|residence)\s*(?::|\s[-–]\s)|(?:based|lives|living)\s+in\s)\s*(.+)$", re.I)
_PLACE_PART = re.compile(r"[^\W\d_][\w.'’ -]*")


def _find_location(text: str, top: list[str]) -> str | None:
    for line in (_clean_line(raw) for raw in text.splitlines()):
        m = _LOCATION_LABEL.match(line)
        if m:
            value = re.split(r"\s*[|·•;]\s*|\s{2,}|\s[-–]\s", m.group(1))[0].strip(" .,")
            if value and "@" not in value and len(value) <= 80:
                return value
    for line in top:
        for segment in re.split(r"\s*[|·•;\t]\s*|\s[-–—]\s", line):
            segment = segment.strip(" .")
            parts = [p.strip() for p in segment.split(",")]
            if not 2 <= len(parts) <= 3 or not all(_PLACE_PART.fullmatch(p) for p in parts):
                continue
            if any(len(p.split()) > 4 or not p[0].isupper() for p in parts):
                continue
            last = parts[-1]
            if last in _COUNTRIES or re.fullmatch(r"[A-Z]{2}", last):
                if not _find_terms(segment, skill_terms()):
                    return segment
    return None


# --- experience -----------------------------------------------------------------------------------------

_EXPLICIT_YEARS = re.compile(
    r"(?<![\d.])(\d{1,2})\s*\+?\s*(?:years?|yrs?)['’]?\s+(?:of\s+)?(?:[A-Za-z-]+\s+){0,2}?experience", re.I)
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


def _point(tag: str) -> str:
    return rf"(?:(?P<{tag}m>{_MONTH})\s+|(?P<{tag}n>\d{{1,2}})\s*[/.]\s*)?(?P<{tag}y>(?:19|20)\d{{2}})"


_RANGE = re.compile(
    rf"(?<![\d/.]){_point('s')}\s*(?:-|–|—|to|until|till)\s*"
    rf"(?:{_point('e')}(?![\d])|(?P<now>present|current|now|today|ongoing|date)\b)", re.I)
_SKIPPED_SECTIONS = ("education", "academic", "qualification", "certification", "certificate", "course",
                     "training", "publication", "thesis")
_SECTIONS = _SKIPPED_SECTIONS + (
    "experience", "work", "employment", "professional", "career", "skill", "project", "summary", "profile",
    "language", "about", "contact", "interest", "hobbies", "reference", "technical", "core", "achievement",
    "award", "volunteer", "key", "tool", "competenc", "personal")


def _month(m: re.Match[str], tag: str) -> int:
    name, number = m.group(f"{tag}m"), m.group(f"{tag}n")
    if name:
        return _MONTHS.index(name[:3].lower()) + 1
    if number and 1 <= int(number) <= 12:
        return int(number)
    return 1


def _section(raw: str) -> str | None:
    """The lowercased heading if the line is a known section heading ("## Education", "WORK EXPERIENCE:")."""
    line = _clean_line(raw).rstrip(":").strip()
    words = line.split()
    if not 1 <= len(words) <= 4 or re.search(r"\d", line) or not line.lower().startswith(_SECTIONS):
        return None
    if raw.lstrip().startswith("#") or raw.rstrip().endswith(":") or all(w[0].isupper() for w in words):
        return line.lower()
    return None


def _work_text(text: str) -> str:
    """The text without education-like sections, whose date ranges are study, not work."""
    kept: list[str] = []
    skipping = False
    for raw in text.splitlines():
        heading = _section(raw)
        if heading:
            skipping = heading.startswith(_SKIPPED_SECTIONS)
        if not skipping:
            kept.append(raw)
    return "\n".join(kept)


def _years_experience(text: str, today: date) -> int | None:
    explicit = [int(m.group(1)) for m in _EXPLICIT_YEARS.finditer(text) if 0 < int(m.group(1)) <= 60]
    if explicit:
        return max(explicit)
    now = today.year * 12 + today.month - 1
    starts, ends = [], []
    for m in _RANGE.finditer(_work_text(text)):
        start = int(m.group("sy")) * 12 + _month(m, "s") - 1
        end = now if m.group("now") else int(m.group("ey")) * 12 + _month(m, "e") - 1
        if int(m.group("sy")) < 1950 or start > now or end < start:
            continue
        starts.append(start)
        ends.append(min(end, now))
    if not starts:
        return None
    return (max(ends) - min(starts)) // 12


# --- suggestions and the entry point --------------------------------------------------------------------

def _suggest(held: list[Term], skills: list[str]) -> list[str]:
    if held:
        names = [t.name for t in held] + [r for t in held for r in t.related]
        return list(dict.fromkeys(names))[:MAX_SUGGESTIONS]
    votes: dict[str, int] = {}
    for skill in skills:
        for title in SKILL_TITLES.get(skill, ()):
            votes[title] = votes.get(title, 0) + 1
    order = list(votes)  # first-vote order breaks ties, so the result is stable
    return sorted(votes, key=lambda t: (-votes[t], order.index(t)))[:MAX_SUGGESTIONS]


def extract_profile(text: str, *, today: date | None = None) -> ExtractedProfile:
    """Find the profile facts in CV text, or refuse text that is not a CV.

    Refusing here (instead of storing an empty profile) tells the user at once that they sent the wrong
    file. ``today`` exists so tests can pin what "Present" means.
    """
    words = len(text.split())
    if words < MIN_WORDS:
        raise InvalidInput(f"the text does not look like a CV: only {words} words, too few to find skills, "
                           "job titles or experience")
    skills = [t.name for t in _find_terms(text, skill_terms())]
    held = _find_terms(text, title_terms())
    years = _years_experience(text, today or date.today())
    if not skills and not held and years is None:
        raise InvalidInput("the text does not look like a CV: no skills, job titles or experience found")
    email = _EMAIL.search(text)
    top = _top_lines(text)
    return ExtractedProfile(
        name=_find_name(top),
        email=email.group(0) if email else None,
        phone=_find_phone(text),
        location=_find_location(text, top),
        skills=skills,
        years_experience=years,
        titles_held=[t.name for t in held],
        suggested_titles=_suggest(held, skills),
    )
