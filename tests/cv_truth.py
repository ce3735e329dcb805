"""CVs as structured truth (issue 26 §1): who the person is, as a careful reader of the CV would say it.

``corpus()`` draws the people from a seeded ``random.Random`` (the same corpus on every machine): 12
professions, the six languages, 2–4 jobs each (most with a current one), education, skills and spoken
languages with levels, and how the CV writes them (date formats such as "seit 09/2022", "März 2018 bis
Juni 2020", "sinds 2021", "desde 2018 – actualidad"; date-left or date-right; employer or title first; the
bullet glyph; usual or unusual headings; the layout). tests/cv_layouts.py renders each truth as a PDF,
DOCX, Markdown or text file, and tests/cv_fields.py scores a profile against it.

Dates carry the precision the CV shows: "2021" when it writes only the year, "2021-09" when it gives the
month. ``years`` is the union of the working months as the dates read (a bare year taken at its middle), which
is why the scorer allows ±1.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

from tests.cv_truth_words import (
    BULLETS,
    COMPANIES,
    DATE_WORDS,
    DEGREES,
    EMPLOYER_KINDS,
    FIRST,
    INSTITUTIONS,
    LANGS,
    LAST,
    LEVEL_WORDS,
    MONTHS,
    NATIVE,
    PHONE,
    PLACES,
    PROFESSIONS,
    STUDY,
)

TODAY = (2026, 12)  # what "heute", "heden", "présent", "actualidad" and "atual" mean here
LAYOUTS = ("pdf_single", "pdf_sidebar", "pdf_table", "pdf_footer", "docx_tables", "docx_bullets",
           "docx_textbox", "docx_header", "md", "text")
SEED = 2026
SIZE = 90  # 6 languages x 15: every language meets every layout


@dataclass(frozen=True)
class Entry:
    employer: str
    title: str
    place: str
    start: str  # "YYYY-MM" or "YYYY": as precise as the CV writes it
    end: str | None  # None: current
    dates: str  # as written
    months: tuple[int, int]  # (first, last) month numbers as the dates read, for the years of experience
    bullets: tuple[str, ...]


@dataclass(frozen=True)
class Education:
    degree: str
    institution: str
    start_year: int
    end_year: int


@dataclass(frozen=True)
class Style:
    date_side: str  # "left" | "right"
    first: str  # "title" | "employer"
    bullet: str  # "•" | "-" | "–" | "1."
    unusual_headings: bool
    country_written: bool
    years_stated: bool


@dataclass(frozen=True)
class Truth:
    key: str
    index: int
    lang: str
    layout: str
    profession: str
    name: str
    email: str
    phone: str
    street: str
    postcode: str
    city: str
    country: str  # ISO 3166-1 alpha-2
    country_written: str  # the country as the CV writes it
    entries: tuple[Entry, ...]  # newest first
    education: tuple[Education, ...]
    skills: tuple[str, ...]  # canonical names (jobagent/data/skills.tsv)
    languages: tuple[str, ...]  # "German (native)", "English (C1)"
    spoken: tuple[tuple[str, str], ...]  # (English name, level) in order
    level: str
    years: int
    style: Style

    @property
    def current(self) -> Entry | None:
        return next((e for e in self.entries if e.end is None), None)


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower().replace(" ", "")


def _month_name(lang: str, month: int) -> str:
    return MONTHS[lang].split()[month - 1]


def _dates(rng: random.Random, lang: str, start: tuple[int, int], end: tuple[int, int] | None
           ) -> tuple[str, str, str | None]:
    """(as written, start truth, end truth) in one of the forms people of that language write."""
    today, to, since, de = DATE_WORDS[lang]
    sy, sm = start
    forms = ("numeric", "spelled", "years", "since", "since") if end is None else ("numeric", "spelled", "years")
    form = rng.choice(forms)
    if form == "since":
        if rng.random() < 0.5:
            return f"{since} {sm:02d}/{sy}", f"{sy}-{sm:02d}", None
        if lang == "es":
            return f"desde {sy} – actualidad", str(sy), None
        return f"{since} {sy}", str(sy), None
    if form == "numeric":
        sep = "." if lang == "de" and rng.random() < 0.4 else "/"
        left = f"{sm:02d}{sep}{sy}"
        right = today if end is None else f"{end[1]:02d}{sep}{end[0]}"
        return f"{left} – {right}", f"{sy}-{sm:02d}", None if end is None else f"{end[0]}-{end[1]:02d}"
    if form == "spelled":
        left = f"{_month_name(lang, sm)} {de}{sy}"
        if lang == "en":
            left = left.capitalize()
        if end is None:
            return f"{left} – {today}", f"{sy}-{sm:02d}", None
        right = f"{_month_name(lang, end[1])} {de}{end[0]}"
        if lang == "en":
            right = right.capitalize()
        joiner = f" {to} " if rng.random() < 0.5 else " – "
        return f"{left}{joiner}{right}", f"{sy}-{sm:02d}", f"{end[0]}-{end[1]:02d}"
    if end is not None and end[0] == sy:  # "2019 – 2019" would hide a real span: write the months
        return f"{sm:02d}/{sy} – {end[1]:02d}/{end[0]}", f"{sy}-{sm:02d}", f"{end[0]}-{end[1]:02d}"
    return f"{sy} – {today if end is None else end[0]}", str(sy), None if end is None else str(end[0])


def _months(start: str, end: str | None) -> tuple[int, int]:
    """The (first, last) month numbers a reader can tell from the dates as written: a bare year is taken at
    its middle (July as a start, June as an end), so the ±1 of the scorer covers either reading."""
    def month(point: str, middle: int) -> int:
        return int(point[:4]) * 12 + (int(point[5:7]) if len(point) > 4 else middle) - 1

    return month(start, 7), month(end, 6) if end else TODAY[0] * 12 + TODAY[1] - 1


def _union_years(spans: list[tuple[int, int]]) -> int:
    covered: set[int] = set()
    for first, last in spans:
        covered.update(range(first, last + 1))
    return len(covered) // 12


def _level(title_level: str | None, years: int) -> str:
    """The level a careful reader gives: what the current title states, else by the years (the bands of
    ``jobagent.cv.titles.level_from_years``, which are the product's definition)."""
    if title_level:
        return title_level
    return "entry" if years < 1 else "junior" if years <= 2 else "mid" if years <= 5 else "senior"


def _employer(rng: random.Random, profession: str, lang: str, city: str, taken: set[str]) -> str:
    """A school, hospital, pharmacy or restaurant for those trades (companies once those run out)."""
    kind = PROFESSIONS[profession][0]
    own = [t.format(city=city) for t in EMPLOYER_KINDS[kind][lang]] if kind != "company" else []
    choices = [p for p in own if p not in taken] or [p for p in COMPANIES[lang] if p not in taken]
    picked = rng.choice(choices)
    taken.add(picked)
    return picked


def _person(rng: random.Random, index: int, lang: str, layout: str, profession: str) -> Truth:
    first, last = rng.choice(FIRST[lang]), rng.choice(LAST[lang])
    name = f"{first} {last}"
    email = f"{_ascii(first)}.{_ascii(last)}@{rng.choice(('example.org', 'mail.example.com', 'example.net'))}"
    phone = "".join(str(rng.randint(0, 9)) if c == "#" else c for c in PHONE[lang])
    country, country_written, places = PLACES[lang]
    postcode, city, street = rng.choice(places)
    style = Style(date_side=rng.choice(("left", "right")), first=rng.choice(("title", "employer")),
                  bullet=rng.choice(("•", "-", "–", "1.")),
                  unusual_headings=rng.random() < (0.7 if layout in ("md", "text") else 0.25),
                  country_written=rng.random() < 0.5, years_stated=rng.random() < 0.3)
    _kind, pool, titles = PROFESSIONS[profession]
    skills = tuple(rng.sample(pool, rng.randint(4, 6)))
    # jobs, newest first: the newest is current in most CVs
    n_jobs = rng.randint(2, 4)
    current = rng.random() < 0.85
    end: tuple[int, int] | None = None if current else (2026 - rng.randint(0, 1), rng.randint(1, 10))
    raw: list[tuple[tuple[int, int], tuple[int, int] | None]] = []
    cursor = end or TODAY
    for n in range(n_jobs):
        length = rng.randint(14, 60)
        months = cursor[0] * 12 + cursor[1] - 1 - length
        start = (months // 12, months % 12 + 1)
        raw.append((start, end if n == 0 else cursor))
        gap = rng.randint(0, 3)
        back = start[0] * 12 + start[1] - 1 - 1 - gap
        cursor = (back // 12, back % 12 + 1)
    written = [_dates(rng, lang, start, stop) for start, stop in raw]
    spans = [_months(s_truth, e_truth) for _, s_truth, e_truth in written]
    years = _union_years(spans)
    senior = years >= 7 and rng.random() < 0.5
    taken: set[str] = set()
    entries = []
    for n, (dates, s_truth, e_truth) in enumerate(written):
        title, _ = titles[lang][1] if n == 0 and senior else titles[lang][0]
        employer = _employer(rng, profession, lang, city, taken)
        place = city if rng.random() < 0.6 else rng.choice(places)[1]
        bullets = tuple(rng.choice(BULLETS[lang]).format(s=s, n=rng.randint(3, 25))
                        for s in rng.sample(skills, rng.randint(1, 3)))
        entries.append(Entry(employer, title, place, s_truth, e_truth, dates, spans[n], bullets))
    title_level = titles[lang][1][1] if senior else titles[lang][0][1]
    first_start = raw[-1][0][0]
    study = STUDY[profession][LANGS.index(lang)]
    schools = list(INSTITUTIONS[lang])
    rng.shuffle(schools)
    education = [Education(rng.choice(DEGREES[lang][::2]).format(f=study), schools[0], first_start - 4,
                           first_start - 1)]
    if rng.random() < 0.4:
        education.insert(0, Education(DEGREES[lang][1].format(f=study), schools[1], first_start - 1,
                                      first_start + 1))
    others = [x for x in ("English", "German", "French", "Spanish", "Dutch", "Portuguese") if x != NATIVE[lang]]
    spoken = [(NATIVE[lang], "native")]
    for other in rng.sample(others, rng.randint(1, 2)):
        spoken.append((other, rng.choice(("C1", "B2", "B1", "fluent", "good", "basic"))))
    languages = tuple(f"{n} ({lv})" for n, lv in spoken)
    key = f"{index:03d}-{lang}-{profession}-{layout}"
    return Truth(key, index, lang, layout, profession, name, email, phone, street, postcode, city, country,
                 country_written, tuple(entries), tuple(education), skills, languages, tuple(spoken),
                 _level(title_level, years), years, style)


def corpus(size: int = SIZE, seed: int = SEED) -> list[Truth]:
    """``size`` people: language ``i % 6`` and layout ``(i // 6) % 10``, so the first 60 already pair every
    language with every layout; professions are dealt round-robin in a seeded order, so all 12 appear."""
    rng = random.Random(seed)
    professions = list(PROFESSIONS)
    rng.shuffle(professions)
    out = []
    for i in range(size):
        lang, layout = LANGS[i % 6], LAYOUTS[(i // 6) % len(LAYOUTS)]
        out.append(_person(random.Random(rng.random()), i, lang, layout, professions[(i + i // 12) % 12]))
    return out


def ci_slice(people: list[Truth]) -> list[Truth]:
    """About a third of the corpus (30 of 90) that still holds every language and every layout."""
    return [t for t in people if (t.index % 6 + t.index // 6) % 3 == 0]


def level_word(lang: str, level: str) -> str:
    """A spoken-language level as the CV writes it: CEFR codes as they are, words in the CV's language."""
    return LEVEL_WORDS[lang].get(level, level)
