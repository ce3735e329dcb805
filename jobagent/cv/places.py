"""Where the person lives, from the top of a CV (a labelled line, or a place in the header), and what a place is.

A postcode next to a city is the strongest sign of where someone lives, in each country's own form
("80797 München", "75011 Paris", "28006 Madrid", "3011 AB Rotterdam", "1200-195 Lisboa", "Leeds LS6",
"Brooklyn, NY 11201"); the location is then the city (and the country, when the CV names it next), since
searches compare cities. The header (the lines before the first section heading) is read before anything
else, and a part that names an organisation is never a home: "Hospital La Paz, Madrid" is an employer.
"""

from __future__ import annotations

import re

from jobagent.cv.lexicon import has_term
from jobagent.cv.sections import clean, heading_kind
from jobagent.cv.vocabulary import find_skills
from jobagent.places import cities_named, country_of, resolve


def is_country(part: str) -> bool:
    """A country as CVs write it, in any of the six languages ("Deutschland", "UK", "Reino Unido"): asked of
    ``jobagent.places``, the one country table for postings and CVs. A three-letter ISO code counts only in
    capitals, since "Can", "And" or "Per" in a header line are words, not Canada, Andorra and Peru."""
    if len(part) == 3 and not part.isupper():
        return False
    return country_of(part) is not None


def is_city(part: str) -> bool:
    """A city (or a region) the gazetteer of ``jobagent.places`` knows: "Toronto", "Luxembourg", "Bayern"."""
    if cities_named(part):
        return True
    place = resolve(part)
    return place is not None and not place.is_city and place.region is not None


def is_place(part: str) -> bool:
    """A city, region code or country ("Toronto", "ON", "Dublin 2", "Amsterdam, Netherlands")."""
    pieces = [p.strip() for p in part.split(",") if p.strip()]
    if not pieces:
        return False
    for piece in pieces:
        bare = re.sub(r"\s+\d{1,2}$", "", piece)  # "Dublin 8"
        if not (is_city(bare) or is_country(bare) or re.fullmatch(r"[A-Z]{2}", bare)):
            return False
    return True


_LOCATION_LABEL = re.compile(
    r"^(?:(?:location|address|city|residence|wohnort|adresse|anschrift|ort|woonplaats|adres|domicile|"
    r"ville|dirección|direccion|domicilio|residencia|ciudad|morada|localidade|residência|residencia|cidade)"
    r"\s*(?::|\s[-–]\s)|(?:based|lives|living)\s+in\s|(?:wohnhaft|wonend|domicilié|domiciliée)\s+(?:in|à|a)\s)"
    r"\s*(.+)$", re.I)
_PLACE_PART = re.compile(r"[^\W\d_][\w.'’ -]*(?:\s\d{1,2})?")
_CITY = r"(?P<city>[^\W\d_][\w'’.]*(?:[ -](?:am|an|de|del|la|le|sur|upon|[^\W\d_][\w'’.]*)){0,3})"
_POSTCODES = (
    re.compile(rf"^(?:[A-Z]{{1,2}}-)?\d{{5}}\s+{_CITY}$"),  # DE, FR, ES, IT: "80797 München", "D-80797 München"
    re.compile(rf"^\d{{4}}\s?[A-Z]{{2}}\s+{_CITY}$"),  # NL: "3011 AB Rotterdam"
    re.compile(rf"^\d{{4}}-\d{{3}}\s+{_CITY}$"),  # PT: "1200-195 Lisboa"
    re.compile(rf"^\d{{4}}\s+{_CITY}$"),  # AT, BE, CH, DK: "1010 Wien"
    re.compile(rf"^{_CITY}\s+[A-Z]{{1,2}}\d[A-Z\d]?(?:\s*\d[A-Z]{{2}})?$"),  # UK: "Leeds LS6", "London SW1A 1AA"
    re.compile(rf"^{_CITY},?\s+(?P<region>[A-Z]{{2}})\s+\d{{5}}(?:-\d{{4}})?$"),  # US: "Brooklyn, NY 11201"
)


def _postcode_city(parts: list[str]) -> str | None:
    """The city of the first "postcode + city" part (with the country or US state after it), or None."""
    for n, part in enumerate(parts):
        for pattern in _POSTCODES:
            m = pattern.match(part.strip())
            if not m:
                continue
            city = m.group("city").strip()
            if has_term(city, "employer") or find_skills(city) and not is_city(city):
                continue
            region = m.groupdict().get("region")
            if region:
                city = f"{city}, {region}"
            following = parts[n + 1].strip() if n + 1 < len(parts) else ""
            return f"{city}, {following}" if following and is_country(following) else city
    return None


def _place_segment(segment: str) -> str | None:
    parts = [p.strip() for p in segment.split(",")]
    found = _postcode_city([segment]) or _postcode_city(parts)
    if found:
        return found
    if not 1 <= len(parts) <= 3 or not all(_PLACE_PART.fullmatch(p) for p in parts):
        return None
    if any(len(p.split()) > 4 or not p[0].isupper() for p in parts):
        return None
    if has_term(segment, "employer"):
        return None  # "Hospital La Paz, Madrid", "BMW Werk München": where someone works, not lives
    last = re.sub(r"\s+\d{1,2}$", "", parts[-1])
    if len(parts) == 1 and not is_city(last):
        return None
    if is_country(last) or re.fullmatch(r"[A-Z]{2}", last) or is_city(last):
        if not find_skills(segment) and last.lower() not in ("remote", "hybrid"):
            return segment
    return None


def _labelled(text: str) -> str | None:
    for line in (clean(raw) for raw in text.splitlines()):
        m = _LOCATION_LABEL.match(line)
        if m:
            value = re.split(r"\s*[|·•;]\s*|\s{2,}|\s[-–]\s", m.group(1))[0].strip(" .,")
            if value and "@" not in value and len(value) <= 80:
                return _postcode_city([p.strip() for p in value.split(",")]) or value
    return None


def _header(text: str, limit: int = 12) -> list[str]:
    """The lines before the first section heading: where a CV puts its owner's contact details."""
    out: list[str] = []
    for raw in text.splitlines():
        if raw.strip() and heading_kind(raw):
            break
        line = clean(raw)
        if line:
            out.append(line)
        if len(out) >= limit:
            break
    return out


# "Page 2", "Seite 1 von 3", "Página 1/2": the line of a running page header or footer.
_PAGE_MARK = re.compile(
    r"\b(?:page|seite|pagina|página|pág|blz)\.?\s*\d{1,2}(?:\s*(?:/|of|von|van|de|sur)\s*\d{1,2})?\b", re.I)


def _margins(text: str) -> list[str]:
    """Lines of the page margins: any line with a page number, and the text's last line (where the DOCX
    reader puts the page footer). A template that gives the address only in the footer is common."""
    lines = [c for c in (clean(raw) for raw in text.splitlines()) if c]
    marked = [line for line in lines if _PAGE_MARK.search(line)]
    return list(dict.fromkeys(marked + lines[-1:]))


def find_location(text: str, top: list[str]) -> str | None:
    """A labelled location, else a place in the header, the page margins, or the first lines, in that order:
    the first lines also hold the current job's place, which is where someone works."""
    return locate(text, top)[0]


def locate(text: str, top: list[str]) -> tuple[str | None, str]:
    """(location, where it was found), so the profile can say how sure it is (``jobagent.cv.confidence``):
    "labelled", "postcode" (a postcode + city in the header), "header", "margin", "top" (the first lines,
    which also hold the current job's place: maybe where someone works, not lives) or "none"."""
    labelled = _labelled(text)
    if labelled:
        return labelled, "labelled"
    header = _header(text)
    margins = [line for line in _margins(text) if line not in header]
    for where, lines in (("header", header), ("margin", margins),
                         ("top", [line for line in top if line not in header and line not in margins])):
        for line in lines:
            for segment in re.split(r"\s*[|·•;\t]\s*|\s[-–—]\s|\s{3,}", line):
                segment = segment.strip(" .")
                found = _place_segment(segment)
                if found:
                    by_postcode = _postcode_city([segment]) or _postcode_city([p.strip() for p in segment.split(",")])
                    return found, "postcode" if where == "header" and by_postcode else where
    return None, "none"
