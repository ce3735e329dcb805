"""The text helpers every domain module shares, written once so they cannot drift apart.

- ``normalize`` / ``words``: the comparison form of a name (company, title, city) and the one tokeniser:
  casefolded, Latin accents folded, letters of every script kept. Posting keys (``postings.dedup``) hash it,
  so "Société Générale" and "Societe  Generale" are one employer, while "Программист" and "软件工程师" stay
  two (an ASCII-only pattern once turned both into the same empty key).
- ``count_word`` / ``has_word``: whole-word matching where ``\\b`` fails: "C++", "C#" and ".NET" end or begin
  with punctuation, so a regex ``\\bC\\+\\+\\b`` never matches, while ``"go" in text`` matches "going".
  A word boundary here is "no letter or digit touching", in any script ("caf" is not in "café").
- ``parse_date``: the one date reader for sources and CVs: epoch seconds or milliseconds, ISO 8601,
  feedparser's ``struct_time``, and the CV forms "2019-03", "03/2019", "Mar 2019"; "Present" is no date.
- ``parse_age`` / ``parse_since``: the one ``--since`` grammar of every command and endpoint: an age
  (``90s``, ``15m``, ``12h``, ``2d``, ``2w``) or, for ``parse_since``, a date as ``parse_date`` reads it.
- ``month_number`` / ``month_label`` / ``MONTH_NAME``: the one month table ("Sept." included).
- ``salary_text``: a salary range as the board and the reports print it.
- ``templates``: the one Jinja environment; autoescape is decided by the template's name (HTML escaped,
  Markdown letters not), so the HTML report and the letters cannot disagree about loaders or undefineds.
"""

from __future__ import annotations

import calendar
import re
import time
import unicodedata
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any

from jobagent.errors import InvalidInput
from jobagent.limits import MAX_SINCE_DAYS

if TYPE_CHECKING:  # jinja2 is imported on first use: the CLI's start-up does not pay for it
    from jinja2 import Environment

# ------------------------------------------------------------------------------------------- normalising

# A word is a run of letters or digits in any script ("_" is a \w character but joins nothing in a title);
# "c++" and "c#" keep their tail, since a skill called "c" is not the skill "c++".
# Combining marks are part of a word in the scripts that need them (Devanagari vowel signs, Arabic
# harakat, Hebrew points), though Python's \w does not count them as word characters.
_MARKS = ("\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"
          "\u0900-\u0963\u0966-\u0dff\u0e00-\u0eff\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f")
_WORD = re.compile(rf"(?:[^\W_]|[{_MARKS}])+[+#]*")
# Scripts written without spaces between words: each run is indexed as overlapping character pairs.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]+")


def _latin(c: str) -> bool:
    """Latin letters beyond ASCII ("ø", "æ", "ł", "ß", "ı"): the ones accent folding may rewrite."""
    return "\u00c0" <= c <= "\u024f" or "\u1e00" <= c <= "\u1eff"


def fold(text: str) -> str:
    """Casefolded (NFKC) with Latin accents folded: "Zürich" -> "zurich", "Straße" -> "strasse", "Bjørn"
    -> "bjorn", "Æsir" -> "aesir". Letters of other scripts stay as they are ("Программист" ->
    "программист", "软件" -> "软件"): transliterating them would let distinct titles collide.

    anyascii folds the Latin letters NFKD cannot decompose (ø, æ, ł, đ, þ); a hand-kept table missed some.
    """
    if text.isascii():
        return text.lower()
    folded = unicodedata.normalize("NFKC", text).casefold()
    if folded.isascii():
        return folded
    from anyascii import anyascii

    decomposed = unicodedata.normalize("NFKD", folded)
    out: list[str] = []
    previous_latin = False
    for c in decomposed:
        if unicodedata.combining(c):
            if not previous_latin:  # a mark on a non-Latin letter (Devanagari vowel signs) is part of it
                out.append(c)
            continue
        previous_latin = c.isascii() or _latin(c)
        out.append(anyascii(c).lower() if _latin(c) else c)
    return unicodedata.normalize("NFC", "".join(out))


def normalize(text: str | None) -> str:
    """Words of letters and digits in any script, casefolded and accent-folded, joined by single spaces: the
    comparison form of a company, title or city, and what posting keys hash."""
    return " ".join(w.rstrip("+#") for w in _WORD.findall(fold(text or "")))


def words(text: str | None, *, folded: bool = True) -> list[str]:
    """The one tokeniser: folded words of any script in order, "c++"/"c#" kept whole. Matchers, filters and
    the search index all split text with it, so a query and a posting meet on the same words.
    ``folded=False`` keeps accents (NFKC, lowercased): the form a database's own text index stores."""
    if folded:
        return _WORD.findall(fold(text or ""))
    return _WORD.findall(unicodedata.normalize("NFKC", text or "").lower())


def cjk_pairs(word: str) -> list[str]:
    """A Chinese, Japanese or Korean run as overlapping character pairs ("软件工程师" -> "软件", "件工", ...):
    these scripts put no spaces between words, so pairs are what lets "工程师" find "软件工程师"."""
    if not _CJK.fullmatch(word):
        return [word]
    return [word] if len(word) < 3 else [word[i:i + 2] for i in range(len(word) - 1)]


def split_cjk(word: str) -> list[str]:
    """``word`` cut where it changes between a CJK run and other letters ("python工程师" -> "python", "工程师")."""
    if not _CJK.search(word):
        return [word]
    parts: list[str] = []
    last = 0
    for m in _CJK.finditer(word):
        if m.start() > last:
            parts.append(word[last:m.start()])
        parts.append(m.group())
        last = m.end()
    if last < len(word):
        parts.append(word[last:])
    return parts


# ------------------------------------------------------------------------------------------- whole words


def count_word(lowered: str, word: str, stop_at: int = 0) -> int:
    """Whole-word occurrences of ``word`` in already lowercased text: no letter or digit may touch it, so
    "c++", "c#", ".net" and "node.js" count while "go" inside "going" and "caf" inside "café" do not.

    ``str.find`` jumps between candidates (a lookbehind regex per word walked the whole text each time; see
    benchmarks/bench_matching.py). ``stop_at`` > 0 stops counting early.
    """
    if not word:
        return 0
    end, n, count = len(lowered), len(word), 0
    i = lowered.find(word)
    while i != -1:
        j = i + n
        if (i == 0 or not lowered[i - 1].isalnum()) and (j >= end or not lowered[j].isalnum()):
            count += 1
            if count == stop_at:
                break
        i = lowered.find(word, i + 1)
    return count


def has_word(text: str, phrase: str) -> bool:
    """``phrase`` stands in ``text`` as whole words, ignoring case and how much white space separates them
    ("Team  Lead" holds "team lead")."""
    wanted = " ".join(phrase.lower().split())
    return bool(wanted) and count_word(" ".join(text.lower().split()), wanted, stop_at=1) > 0


# ------------------------------------------------------------------------------------------- dates

# The one month table: names and abbreviations as CVs and postings write them in the six languages
# (English, German, Dutch, French, Spanish, Portuguese), accents as written; month_number also takes them
# without accents ("Marz", "fevrier"). "Sept." and "Juil." included.
MONTH_FORMS: tuple[tuple[str, ...], ...] = (
    ("jan", "january", "januar", "jänner", "januari", "janvier", "janv", "enero", "ene", "janeiro"),
    ("feb", "february", "febr", "februar", "februari", "février", "févr", "fév", "febrero", "fevereiro", "fev"),
    ("mar", "march", "märz", "mrz", "maart", "mrt", "mars", "marzo", "março"),
    ("apr", "april", "avril", "avr", "abril", "abr"),
    ("may", "mai", "mei", "mayo", "maio"),
    ("jun", "june", "juni", "juin", "junio", "junho"),
    ("jul", "july", "juli", "juillet", "juil", "julio", "julho"),
    ("aug", "august", "augustus", "août", "agosto", "ago"),
    ("sep", "sept", "september", "septembre", "septiembre", "setiembre", "setembro", "set"),
    ("oct", "october", "okt", "oktober", "octobre", "octubre", "outubro", "out"),
    ("nov", "november", "novembre", "noviembre", "novembro"),
    ("dec", "december", "dez", "dezember", "décembre", "déc", "diciembre", "dic", "dezembro"),
)


def _unaccented(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


_MONTH_OF = {spelling: i + 1 for i, group in enumerate(MONTH_FORMS) for form in group
             for spelling in (form, _unaccented(form))}
_MONTH_OF["maerz"] = 3
# Longest first, so "june" wins over "jun"; no letter may touch a name ("Summary 2019" holds no "mar").
MONTH_NAME = (r"(?<![^\W\d_])(?:" + "|".join(sorted(_MONTH_OF, key=lambda f: (-len(f), f)))
              + r")(?![^\W\d_])\.?")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_YEAR_MONTH = re.compile(r"((?:19|20)\d{2})-(0[1-9]|1[0-2])")
_MONTH_YEAR = re.compile(r"(0?[1-9]|1[0-2])\s*[/.]\s*((?:19|20)\d{2})")
_NAMED_MONTH = re.compile(rf"({MONTH_NAME})\s*,?\s*((?:19|20)\d{{2}})", re.IGNORECASE)
OPEN_END = frozenset({"present", "current", "currently", "now", "today", "ongoing", "to date", "date"})


def month_number(name: str) -> int | None:
    """1-12 for a month's name or abbreviation in any of the six languages ("Sept." -> 9, "März" -> 3,
    "juil." -> 7), else None. An English name may be cut anywhere after three letters ("Janu")."""
    key = name.strip().rstrip(".").lower()
    found = _MONTH_OF.get(key) or _MONTH_OF.get(_unaccented(key))
    if found:
        return found
    return _MONTHS.index(key[:3]) + 1 if key[:3] in _MONTHS and key.isascii() else None


def month_label(value: str | None) -> str:
    """"2019-03" as "Mar 2019"; anything else unchanged ("" for None)."""
    m = _YEAR_MONTH.fullmatch(value or "")
    if not m:
        return value or ""
    return f"{_MONTHS[int(m.group(2)) - 1].title()} {m.group(1)}"


def _aware(when: datetime) -> datetime:
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def _from_epoch(value: float) -> datetime | None:
    seconds = value / 1000 if value > 1e11 else value  # Lever sends milliseconds
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def parse_date(value: Any) -> datetime | None:
    """An aware UTC datetime, or None for no date, an open end ("Present") or anything unreadable: a bad
    date loses the date, never the posting or the CV entry. Naive times are taken as UTC; a month without a
    day is its first day."""
    if value is None or isinstance(value, bool) or value == "":
        return None
    if isinstance(value, int | float):
        return _from_epoch(value)
    if isinstance(value, time.struct_time | tuple):  # feedparser's *_parsed fields, already in UTC
        try:
            return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
        except (TypeError, ValueError, OverflowError):
            return None
    text = " ".join(str(value).split())
    if text.isdigit() and len(text) >= 9:  # epoch; eight digits are the ISO basic date "20190301"
        return _from_epoch(int(text))
    if text.lower() in OPEN_END:
        return None
    try:
        return _aware(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        pass
    for pattern, year, month in ((_YEAR_MONTH, 1, 2), (_MONTH_YEAR, 2, 1), (_NAMED_MONTH, 2, 1)):
        m = pattern.fullmatch(text)
        if m:
            number = month_number(m.group(month)) if pattern is _NAMED_MONTH else int(m.group(month))
            return datetime(int(m.group(year)), number or 1, 1, tzinfo=UTC)
    try:  # "2026-11-30 09:00 CET" and the like: the day is still good
        d = date.fromisoformat(text[:10])
    except ValueError:
        return None
    return datetime(d.year, d.month, d.day, tzinfo=UTC)


# ------------------------------------------------------------------------------------------- ages

_AGE = re.compile(r"^\s*(\d{1,15}(?:\.\d{1,6})?)\s*([smhdw])\s*$", re.IGNORECASE)
_AGE_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_AGE_EXAMPLES = "90s, 15m, 12h, 2d or 2w"


def parse_age(text: str) -> timedelta:
    """``90s``, ``15m``, ``12h``, ``2d``, ``2w`` (decimals allowed: ``1.5h``) as a timedelta.

    The one age grammar: ``retry --since`` once took s/m/h/d and ``board --since`` m/h/d/w, so ``2w`` failed
    on one command and ``90s`` on the other. A unit is required (a bare ``7`` meant seconds to one command
    and an epoch date to the other). Refused as field ``since`` (``InvalidInput``): the CLI reports it as a
    usage error, HTTP as a 400.
    """
    m = _AGE.match(text) if isinstance(text, str) else None
    if m is None:
        raise InvalidInput(f"since must be an age like {_AGE_EXAMPLES}; got {text!r}")
    seconds = float(m.group(1)) * _AGE_SECONDS[m.group(2).lower()]
    if not seconds > 0:
        raise InvalidInput(f"since must be positive; got {text!r}")
    if seconds > MAX_SINCE_DAYS * 86400:  # "99999999999d" would overflow timedelta
        raise InvalidInput(f"since must be at most {MAX_SINCE_DAYS} days; got {text!r}")
    return timedelta(seconds=seconds)


def parse_since(text: str, now: datetime | None = None) -> datetime:
    """The moment ``text`` names: an age before ``now`` (``parse_age``) or a date (``parse_date``: UTC when
    no zone is given). Every ``--since`` reads through here, so the commands cannot drift apart again."""
    if isinstance(text, str) and _AGE.match(text):
        return (now or datetime.now(UTC)) - parse_age(text)
    raw = " ".join(text.split()) if isinstance(text, str) else ""
    when = None if not raw or raw.replace(".", "", 1).isdigit() else parse_date(raw)
    if when is None:
        raise InvalidInput(f"since must be an age like {_AGE_EXAMPLES}, or a date like 2026-11-30; "
                           f"got {text!r}")
    return when


# ------------------------------------------------------------------------------------------- salaries


def salary_text(low: float | None, high: float | None, currency: str | None,
                period: str | None = None) -> str | None:
    """"65,000–80,000 EUR", "1,200–1,400 EUR/month" with a period, one figure when only one end (or both the
    same) is known, None when neither. Cents only when there are any ("14.50 EUR/hour")."""
    if low is None and high is None:
        return None
    if low is None or high is None or low == high:
        span = _figure(high if low is None else low)
    else:
        span = f"{_figure(low)}–{_figure(high)}"
    text = f"{span} {currency}" if currency else span
    return f"{text}/{period}" if period else text


def _figure(value: float | None) -> str:
    value = value or 0.0
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"


# ------------------------------------------------------------------------------------------- templates


@lru_cache(maxsize=4)
def templates(templates_dir: str | None = None) -> Environment:
    """The Jinja environment for the package's templates, a user's directory first when given (a template
    of the same name there overrides ours). StrictUndefined: a typo fails loudly instead of writing an empty
    claim. HTML templates (``*.html.j2``) are autoescaped; the Markdown letter is not, since escaping would
    put "&amp;" into a letter."""
    from jinja2 import (
        BaseLoader,
        ChoiceLoader,
        Environment,
        FileSystemLoader,
        PackageLoader,
        StrictUndefined,
        select_autoescape,
    )

    loaders: list[BaseLoader] = [FileSystemLoader(templates_dir)] if templates_dir else []
    return Environment(loader=ChoiceLoader([*loaders, PackageLoader("jobagent", "templates")]),
                       autoescape=select_autoescape(enabled_extensions=("html", "html.j2"), default=False),
                       undefined=StrictUndefined, keep_trailing_newline=True)


# ----------------------------------------------------------------------------------- HTML to text

_BLOCK_TAGS = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section",
               "article"}
_SKIP_TAGS = {"script", "style"}


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skipping += 1
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCK_TAGS and tag != "li":  # the next item's "- " already starts a new line
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Plain text for matching and reports: tags dropped, entities decoded, blank lines collapsed."""
    if "<" not in html and "&" not in html:
        text = html
    else:
        parser = _TextExtractor()
        parser.feed(html)
        parser.close()
        text = "".join(parser.parts)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()
