"""Whether an advert is closed, from what it says and the dates it gives, in six languages.

Pure (no store, no network): the harvest (``harvest_marks``) asks it about every posting, and the liveness
re-check (``liveness_check``) about the page a posting's URL serves. The phrases are data, one file per
language in ``jobagent/data/closed_phrases``, matched as whole folded words (``jobagent.text.words``) so
"[VACANCY CLOSED]", "Vacancy closed." and "vacancy  closed" are one phrase.

False alarms are the costly error (a live advert hidden for good), so the rules are narrow:
- only the title and the start of the body are read (``HEAD_CHARS``), and reading stops at a "Similar jobs"
  heading, under which a live page lists other, possibly closed, posts;
- phrases name the post ("position has been filled"), so "once you have filled out the form" never matches;
- a guard word just before a phrase cancels it ("we will close the advert once the position has been
  filled", "bis die Stelle besetzt ist");
- a closing date closes an advert only once its day is over, and a date in the future never does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from importlib import resources
from urllib.parse import urlsplit

from jobagent.languages import SUPPORTED
from jobagent.postings.phrase_regex import compile_phrases, joined_words
from jobagent.text import MONTH_NAME, month_number

__all__ = ["HEAD_CHARS", "closed_by_date", "closed_by_text", "closed_reason", "closing_date", "listing_redirect"]

# Of the body: adverts announce a closure at the top, not under the benefits; the same length as
# postings/employment.py reads, so the two share one tokenising of it.
HEAD_CHARS = 1500
_GUARD_WINDOW = 3  # words before a phrase in which a guard word cancels it


@dataclass(frozen=True)
class _Language:
    sources: tuple[str, ...]  # the phrases as written, folded
    phrases: re.Pattern[str]
    guards: tuple[str, ...]
    stops: tuple[str, ...]  # "similar jobs" headings
    labels: tuple[str, ...]  # "closing date" labels


def _joined(text: str | None) -> str:
    return joined_words(text or "")


def _alternation(items: list[str]) -> str:
    return "|".join(re.escape(i) for i in sorted(set(items), key=lambda p: (-len(p), p)))


@lru_cache(maxsize=1)
def _languages() -> dict[str, _Language]:
    out: dict[str, _Language] = {}
    for code in SUPPORTED:
        raw = (resources.files("jobagent") / "data" / "closed_phrases" / f"{code}.txt").read_text(encoding="utf-8")
        kinds: dict[str, list[str]] = {"": [], "!": [], "~": [], "@": []}
        for line in raw.splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            mark = line[0] if line[0] in "!~@" else ""
            kinds[mark].append(_joined(line.lstrip("!~@")))
        out[code] = _Language(tuple(kinds[""]), compile_phrases(kinds[""]), tuple(kinds["!"]), tuple(kinds["~"]),
                              tuple(kinds["@"]))
    return out


@lru_cache(maxsize=1)
def _phrases() -> re.Pattern[str]:
    """Every language's phrases in one trie-factored regex: one fast pass per text."""
    return compile_phrases(p for lang in _languages().values() for p in lang.sources)


@lru_cache(maxsize=1)
def _stops() -> re.Pattern[str]:
    stops = [s for lang in _languages().values() for s in lang.stops]
    return re.compile(rf"(?<![^ ])(?:{_alternation(stops)})(?![^ ])")


@lru_cache(maxsize=1)
def _labels() -> re.Pattern[str]:
    labels = [lab for lang in _languages().values() for lab in lang.labels]
    return re.compile(rf"(?<![^ ])(?:{_alternation(labels)})(?![^ ])")


def _head(title: str | None, description: str | None, chars: int) -> str:
    """The folded words of the title and the body's start, cut at the first "similar jobs" heading."""
    body = _joined((description or "")[:chars])
    stop = _stops().search(body)
    return f"{_joined(title)} | {body[:stop.start()] if stop else body}"


def _guarded(text: str, start: int, guards: tuple[str, ...]) -> bool:
    before = " " + " ".join(text[:start].split()[-_GUARD_WINDOW:]) + " "
    return any(f" {g} " in before for g in guards)


def closed_by_text(title: str | None, description: str | None, *, chars: int = HEAD_CHARS) -> str | None:
    """The reason, when the title or the start of the body says the advert is closed, else None."""
    text = _head(title, description, chars)
    for m in _phrases().finditer(text):
        said = m.group()
        if any(lang.phrases.fullmatch(said) and not _guarded(text, m.start(), lang.guards)
               for lang in _languages().values()):
            return f'the advert says "{said}"'
    return None


_DAY = r"(\d{1,2})(?:st|nd|rd|th|er|o|º)?"
_YEAR = r"((?:19|20)\d{2})"
_DATE_FORMS = (
    (re.compile(rf"(?<![^ ]){_DAY} (\d{{1,2}}) {_YEAR}(?![^ ])"), "dmy"),
    (re.compile(rf"(?<![^ ]){_YEAR} (\d{{1,2}}) (\d{{1,2}})(?:t[^ ]*)?(?![^ ])"), "ymd"),
    (re.compile(rf"(?<![^ ]){_DAY} (?:de )?({MONTH_NAME}) (?:de )?{_YEAR}(?![^ ])"), "dMy"),
    (re.compile(rf"(?<![^ ])({MONTH_NAME}) {_DAY} {_YEAR}(?![^ ])"), "Mdy"),
)


def _date(d: str, m: str, y: str) -> date | None:
    month = int(m) if m.isdigit() else month_number(m)
    for day, mon in ((int(d), month), (month, int(d))):  # day first; "11 30 2026" can only be US order
        try:
            return date(int(y), mon or 0, day or 0)
        except (ValueError, TypeError):
            continue
    return None


def closing_date(text: str | None) -> date | None:
    """The date in the few words after a "closing date" label in ``text`` (any of the six languages)."""
    joined = _joined(text)
    for m in _labels().finditer(joined):
        rest = " ".join(joined[m.end():].split()[:8])  # "Closing date for applications: 30 Nov 2026"
        found = sorted((hit.start(), order, hit.groups()) for pattern, order in _DATE_FORMS
                       if (hit := pattern.search(rest)))
        for _, order, g in found:
            parts = {"dmy": (g[0], g[1], g[2]), "ymd": (g[2], g[1], g[0]), "dMy": (g[0], g[1], g[2]),
                     "Mdy": (g[1], g[0], g[2])}[order]
            when = _date(*parts)
            if when:
                return when
    return None


def _aware(when: datetime) -> datetime:
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when


def closed_by_date(valid_through: datetime | None, text: str | None, now: datetime) -> str | None:
    """The reason, when ``valid_through`` or a closing date in the text has passed. A date without a time
    (midnight) still runs to the end of its day: "apply by 30 November" means the 30th is still open."""
    if valid_through is not None:
        until = _aware(valid_through)
        if until.time() == datetime.min.time():
            if until.date() < now.date():
                return f"valid through {until.date().isoformat()}, which has passed"
        elif until < now:
            return f"valid through {until.isoformat(timespec='minutes')}, which has passed"
        return None  # the source's own date wins over one read from the text
    deadline = closing_date(text)
    if deadline is not None and deadline < now.date():
        return f"closing date {deadline.isoformat()} has passed"
    return None


def closed_reason(title: str | None, description: str | None, valid_through: datetime | None,
                  now: datetime) -> str | None:
    """Why the advert is closed by its own text or dates, or None when nothing says so."""
    return (closed_by_text(title, description)
            or closed_by_date(valid_through, (description or "")[:HEAD_CHARS], now))


_LISTING_WORDS = frozenset({"jobs", "job", "careers", "career", "vacancies", "vacatures", "stellenangebote",
                            "stellen", "karriere", "jobboerse", "offres", "emplois", "empleos", "ofertas",
                            "vagas", "search", "openings", "positions", "werken-bij", "carrieres", "carreiras"})


def listing_redirect(original: str, final: str) -> bool:
    """Whether a posting's URL was redirected to a listing (the board, its search, the careers home), the
    way most boards answer for an advert they took down. A redirect to another advert page (a new slug, an
    added language prefix deeper down) is not one."""
    a, b = urlsplit(original), urlsplit(final)
    if (a.netloc, a.path.rstrip("/")) == (b.netloc, b.path.rstrip("/")):
        return "error" in b.query.lower() and "error" not in a.query.lower()  # Greenhouse: ?error=true
    old = [p for p in a.path.split("/") if p]
    new = [p for p in b.path.split("/") if p]
    if len(new) < len(old) and old[:len(new)] == new:
        return True  # up to a parent: /careers/jobs/123 -> /careers/jobs
    if not new:
        return True  # the site's home
    return new[-1].lower() in _LISTING_WORDS and len(new) <= len(old)
