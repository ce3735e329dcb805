"""Experience and education entries from the lines of their sections.

An experience entry starts at a line with a date range. Its header is that line plus, when the line
alone does not name a role and an employer, the short header-like lines just before it (title above
dates) or just after it ("Junior Accountant, 2023 – Present" / "Grant Thornton, Dublin"). Everything up
to the next entry is its bullets. The header is split at separators and each part classified as title
(the occupations vocabulary, or a role word in one of the six languages), location (cities, countries,
region codes, postcodes) or employer ("GmbH", "Hospital", "Stadtwerke" ...: ``jobagent/data/cv_words.tsv``).
Gender markers ("(m/w/d)", "(H/F)") are not part of a title.

An apprenticeship ("Ausbildung zum Elektroniker", "Lehre als Koch", "apprentissage") is training: it is read
as an education entry, wherever the CV lists it, so it counts neither as a job nor as years of experience.
"""

from __future__ import annotations

import re

from jobagent.cv.dates import DateRange, find_range
from jobagent.cv.lexicon import has_term
from jobagent.cv.places import is_place
from jobagent.cv.schema import EducationEntry, ExperienceEntry
from jobagent.cv.sections import clean, heading_kind, is_bullet, strip_bullet
from jobagent.cv.vocabulary import parse_title

_SEPARATORS = re.compile(r"\s*(?:\||·|•|;|\t|\s—\s|\s–\s|\s-\s|—|–|,|\s{3,}|\s@\s|\bat\b(?=\s+[^\W\d_a-z]))\s*")
_ROLE_WORDS = re.compile(
    r"\b(?:engineer|developer|manager|director|analyst|consultant|specialist|nurse|accountant|assistant|"
    r"technician|officer|coordinator|administrator|designer|architect|teacher|lecturer|chef|cook|"
    r"electrician|plumber|welder|carpenter|driver|operative|operator|supervisor|lead|head|intern|trainee|"
    r"apprentice|pharmacist|solicitor|lawyer|paralegal|advisor|adviser|representative|executive|"
    r"associate|clerk|controller|auditor|recruiter|scientist|researcher|therapist|midwife|surveyor|"
    r"machinist|fitter|planner|buyer|president|founder|owner|partner|counsel|tutor|waiter|bartender|"
    r"receptionist|practitioner|programmer|tester|sre)s?\b", re.I)
_EMPLOYER_WORDS = re.compile(
    r"\b(?:ltd|limited|inc|llc|llp|plc|gmbh|ag|bv|b\.v|nv|sa|srl|corp|corporation|company|co|group|"
    r"hospital|clinic|university|college|school|bank|council|authority|agency|services|solutions|"
    r"systems|technologies|international|partners|associates|hotel|restaurant|pharmacy|health|"
    r"foundation|trust|nhs|hse)\b\.?", re.I)
_INTERN = re.compile(r"\b(?:intern|internship|placement|co-op|work experience student|summer student)\b", re.I)
_DEGREE = re.compile(
    r"\b(?:B\.?E\.?(?=\s)|Ing\.|Ph\.?\s?D|Doctorate|M\.?\s?Sc|B\.?\s?Sc|M\.?\s?A|B\.?\s?A|MBA|M\.?\s?Eng|B\.?\s?Eng|B\.?\s?Com|LL\.?\s?B|"
    r"LL\.?\s?M|B\.?\s?Ed|M\.?\s?Ed|PGCE|BSN|MSN|Pharm\.?\s?D|M\.?\s?Pharm|B\.?\s?Pharm|Bachelor|Master|"
    r"Diploma|Higher Diploma|Associate Degree|Certificate|HND|HNC|NVQ|A-Levels|Apprenticeship|"
    r"Leaving Certificate|High School Diploma|City & Guilds)\b", re.I)
_INSTITUTION = re.compile(r"\b(?:NUI|UCD|UCL|LSE|MIT|ETH|EPFL|KTH|Trinity|University|Universit[ée]|Universidade|"
                          r"Universität|Universiteit|Università|"
                          r"Universidad|College|Institute|School|"
                          r"Polytechnic|Academy|TU|Hochschule|Conservatoire|Technological)\b")


_GENDER = re.compile(r"\(\s*[mwfdhxvai](?:\s*/\s*[mwfdhxvai]){1,2}\s*\)|(?<!\w)[mwfdh](?:/[mwfdhx]){1,2}(?!\w)", re.I)


def without_gender(title: str) -> str:
    """"Elektroniker (m/w/d)" -> "Elektroniker", "Chef de partie (H/F)" -> "Chef de partie"."""
    return " ".join(_GENDER.sub(" ", title).split()).strip(" -–,")


def _parts(text: str) -> list[str]:
    text = without_gender(text)
    return [p.strip(" .,()") for p in _SEPARATORS.split(text) if p and p.strip(" .,()")]


def is_role(part: str) -> bool:
    return bool(_ROLE_WORDS.search(part)) or has_term(part, "role", compound_keys=("de", "nl"))


def is_employer(part: str) -> bool:
    return bool(_EMPLOYER_WORDS.search(part)) or has_term(part, "employer")


def is_apprenticeship(title: str | None) -> bool:
    return bool(title) and has_term(title or "", "apprenticeship")


def _without_range(line: str, found: DateRange) -> str:
    start, end = found.span
    return (line[:start] + "  " + line[end:]).strip(" \t|,-–—()")


def _headerish(line: str) -> bool:
    """Short, not a sentence, not a bullet: a line that can be a title, employer or location."""
    text = clean(line)
    if not text or is_bullet(line) or text.endswith(".") or len(text.split()) > 12:
        return False
    if not re.search(r"[^\W_]", text):
        return False  # a rule or a heading's underline ("=====", "-----") names no one
    if heading_kind(line):
        return False
    words = [w for w in re.findall(r"[^\W\d_][\w'’&.-]*", text) if len(w) > 3]
    capitals = sum(w[0].isupper() for w in words)
    return not words or capitals / len(words) >= 0.5 or is_role(text)


def _classify(parts: list[str]) -> tuple[str | None, str | None, str | None]:
    """(title, employer, location) from header parts; anything unclassified is the employer."""
    title = employer = None
    places: list[str] = []
    title_score = 0
    named_parts = sum(1 for p in parts if not is_place(p))
    for part in parts:
        occ = parse_title(part)
        role = not occ and is_role(part)
        # "Fysiotherapeut eerstelijns praktijk — OLVG": a role word beside an organisation's word is still
        # the title when another part can be the employer.
        score = 3 if occ else (2 if role and not is_employer(part) else (1 if role and named_parts > 1 else 0))
        if score > title_score:
            title, title_score = part, score
    rest = [p for p in parts if p != title]
    # A part that reads as an organisation ("Beaumont Hospital", "Acme Ltd") is the employer even when
    # a department ("Medical Ward") comes first.
    named = next((p for p in rest if is_employer(p)), None)
    for part in rest:
        if is_place(part) and not is_employer(part):
            places.append(part)
        elif employer is None and (named is None or part == named):
            employer = part
    return title, employer, ", ".join(places) or None


def experience_entries(lines: list[str]) -> list[ExperienceEntry]:
    rows = [line for line in lines if line.strip()]
    dated = [(i, find_range(clean(line))) for i, line in enumerate(rows)]
    starts = [(i, r) for i, r in dated if r is not None and not is_bullet(rows[i])]
    entries: list[ExperienceEntry] = []
    headers: list[list[str]] = []
    used_until = -1
    for n, (i, found) in enumerate(starts):
        next_start = starts[n + 1][0] if n + 1 < len(starts) else len(rows)
        header = _parts(_without_range(clean(rows[i]), found))
        first = i
        title, employer, location = _classify(header)
        # Title or employer above the dates ("Senior Accountant" / "ABC Ltd, Dublin" / "2019 – 2021").
        j = i - 1
        while (title is None or employer is None or not is_employer(employer)) \
                and not header_is_full(rows[i], found) and j > used_until and i - j <= 2 and _headerish(rows[j]):
            if title is not None and employer is not None and not is_employer(rows[j]):
                break  # a complete header already; only an organisation's name is worth one more line
            header = _parts(clean(rows[j])) + header
            first = j
            title, employer, location = _classify(header)
            j -= 1
        # Employer below the dates ("Junior Accountant, 2023 – Present" / "Grant Thornton, Dublin").
        body_from = i + 1
        if (title is None or employer is None) and body_from < next_start and _headerish(rows[body_from]):
            header = header + _parts(clean(rows[body_from]))
            title, employer, location = _classify(header)
            body_from += 1
        if entries and first <= used_until:
            first = used_until + 1
        body_end = next_start
        if n + 1 < len(starts):
            # The next entry's title/employer lines above its dates are not this entry's bullets.
            k = next_start - 1
            while k >= body_from and next_start - k <= 2 and _headerish(rows[k]) and not is_bullet(rows[k]):
                k -= 1
            body_end = k + 1
        entries.append(_entry(title, employer, location, found, _bullets(rows[body_from:body_end])))
        headers.append(header)
        used_until = body_end - 1
    return [e for e in _by_section_order(entries, headers) if e.title or e.employer]


def _by_section_order(entries: list[ExperienceEntry], headers: list[list[str]]) -> list[ExperienceEntry]:
    """Titles the vocabulary does not know, placed by the order the section's other entries show.

    A CV writes every entry the same way: when the entries whose title was recognised put it before the
    employer ("Planner, Acme, Lyon"), an entry whose role is not in the vocabulary ("Planificateur
    logistique, Vinci, Lyon") has its title in the same place, and the other part is the employer. With
    no recognised entry to follow, of two parts the one that is not an organisation's name ("GmbH", "S.A.")
    is the title. An entry that took an organisation's name as its title ("Partner" in "Huber & Partner
    GmbH") is read again the same way."""
    votes = [0, 0]  # title first, employer first
    for e, parts in zip(entries, headers, strict=True):
        named = [p for p in parts if not is_place(p)]
        if e.title_as_written in named and e.employer in named and not is_employer(e.title_as_written or ""):
            votes[named.index(e.title_as_written or "") > named.index(e.employer or "")] += 1
    out: list[ExperienceEntry] = []
    for e, parts in zip(entries, headers, strict=True):
        named = [p for p in parts if not is_place(p)]
        if votes[0] != votes[1]:
            title_at = 0 if votes[0] > votes[1] else 1
        elif len(named) == 2 and is_employer(named[0]) != is_employer(named[1]):
            title_at = 1 if is_employer(named[0]) else 0  # no pattern to follow: the part that is no organisation
        else:
            out.append(e)
            continue
        misread = e.title_as_written is not None and is_employer(e.title_as_written) and \
            not is_employer(e.employer or "")
        if (e.title is None or misread) and len(named) == 2 and not is_employer(named[title_at]):
            occ = parse_title(named[title_at])
            e = e.model_copy(update={
                "title": occ.title if occ else named[title_at], "title_as_written": named[title_at],
                "employer": named[1 - title_at], "internship": bool(_INTERN.search(named[title_at])),
                "level": occ.level if occ else None, "field": occ.field if occ else None})
        out.append(e)
    return out


def header_is_full(line: str, found: DateRange) -> bool:
    """The dated line names both a role and an employer itself ("Engineer, Acme, 2019 – 2021")."""
    title, employer, _ = _classify(_parts(_without_range(clean(line), found)))
    return title is not None and employer is not None


def _entry(title: str | None, employer: str | None, location: str | None, found: DateRange,
           bullets: list[str]) -> ExperienceEntry:
    start, end = found.iso()
    occ = parse_title(title) if title else None
    return ExperienceEntry(
        title=occ.title if occ else title, title_as_written=title, employer=employer, location=location,
        start=start, end=end, current=found.end is None, bullets=bullets,
        internship=bool(title and _INTERN.search(title)), level=occ.level if occ else None,
        field=occ.field if occ else None)


def split_training(entries: list[ExperienceEntry]) -> tuple[list[ExperienceEntry], list[EducationEntry]]:
    """(jobs, apprenticeships as education entries): an apprenticeship is training, not a job."""
    jobs: list[ExperienceEntry] = []
    training: list[EducationEntry] = []
    for e in entries:
        if is_apprenticeship(e.title_as_written):
            training.append(EducationEntry(
                degree=e.title_as_written, institution=e.employer,
                start_year=int(e.start[:4]) if e.start else None, end_year=int(e.end[:4]) if e.end else None))
        else:
            jobs.append(e)
    return jobs, training


def _bullets(lines: list[str]) -> list[str]:
    out: list[str] = []
    for raw in lines:
        text = strip_bullet(clean(raw)) if is_bullet(raw) else clean(raw)
        if not text:
            continue
        if out and not is_bullet(raw) and (text[0].islower() or not out[-1].rstrip().endswith((".", "!", "?", ")"))
                                           and len(out[-1]) > 60):
            out[-1] = f"{out[-1]} {text}"  # a wrapped line continues its bullet
        else:
            out.append(text)
    return out


def education_entries(lines: list[str]) -> list[EducationEntry]:
    out: list[EducationEntry] = []
    pending: list[str] = []
    for raw in (line for line in lines if line.strip()):
        text = strip_bullet(clean(raw))
        found = find_range(text)
        years = [int(y) for y in re.findall(r"(?<!\d)(?:19|20)\d{2}(?!\d)", text)]
        body = _without_range(text, found) if found else re.sub(r"(?<!\d)(?:19|20)\d{2}(?!\d)", "", text)
        parts = _parts(body)
        degree = next((p for p in parts if _DEGREE.search(p) or has_term(p, "degree")
                       or is_apprenticeship(p)), None)
        institution = next((p for p in parts if (_INSTITUTION.search(p) or has_term(p, "institution"))
                            and p != degree), None)
        if degree or institution:
            prev = out[-1] if out else None
            completes = prev is not None and ((not degree and institution and prev.institution is None) or
                                              (degree and not institution and prev.degree is None))
            if prev is not None and completes:
                out[-1] = prev.model_copy(update={
                    "degree": prev.degree or degree, "institution": prev.institution or institution,
                    "start_year": prev.start_year or (found.start[0] if found else (min(years) if len(years) > 1
                                                                                    else None)),
                    "end_year": prev.end_year or ((found.end[0] if found.end else None) if found else
                                                  (max(years) if years else None))})
                continue
            if out and not years and (out[-1].degree is None or out[-1].institution is None) and \
                    not (degree and out[-1].degree):
                prev = out[-1]
                out[-1] = prev.model_copy(update={"degree": prev.degree or degree,
                                                  "institution": prev.institution or institution})
                continue
            pending = []
            out.append(EducationEntry(
                degree=degree, institution=institution,
                start_year=found.start[0] if found else (min(years) if len(years) > 1 else None),
                end_year=(found.end[0] if found and found.end else None) if found else (max(years) if years else None)))
        elif years and out and out[-1].end_year is None:
            out[-1] = out[-1].model_copy(update={"start_year": found.start[0] if found else min(years),
                                                 "end_year": found.end[0] if found and found.end else max(years)})
        else:
            pending.append(text)
    return out
