"""The one salary parser: figures, currency and period from feed fields, ATS fields and free text.

Every source used to carry its own guess ("65,000-80,000" read as 6,500,080,000, "€65.000" as 65, "100-120k"
as 120k–120k). Here one reader serves them all, in the spirit of JobSpy's ``extract_salary``: a "k" shared
across a range, European and English separators told apart by their groups, the period taken from a
structured field first and then from the words around the figures (English, German, Dutch, French, Spanish,
Portuguese), and a yearly figure for comparing offers. The rule that beats every heuristic: text that cannot
be read with confidence keeps its words and gets no number, because a wrong figure misleads more than none.
Pure: no store, no network.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from jobagent.postings import salary_words as vocab

__all__ = ["PER_YEAR", "Pay", "annual", "currency_of", "parse_pay", "period_of", "pay_in_description", "read_pay",
           "stored_pay"]

PER_YEAR = {"hour": 2080, "day": 260, "week": 52, "month": 12, "year": 1}
MAX_TEXT = 300  # the salary_text column

# Currencies whose yearly pay lies between these bounds; elsewhere (yen, rupees, forints) units are too small
# for the bounds to mean anything, so no period is guessed and no bound is checked.
_PLAUSIBLE_YEAR = (1_000.0, 5_000_000.0)
_LARGE_UNIT = {"JPY", "KRW", "INR", "HUF", "IDR", "CLP", "COP", "VND", "PKR", "NGN", "ISK", "LKR", "KZT", "ARS"}
_ASSUME_YEAR_FROM = 10_000.0  # no period stated: a figure this large is a yearly one (JobSpy does the same)


@dataclass(frozen=True)
class Pay:
    """Figures as given, in ``currency`` per ``period``; ``text`` is the source's own words, when it had any."""

    minimum: float | None = None
    maximum: float | None = None
    currency: str | None = None
    period: str | None = None
    text: str | None = None

    @property
    def annual_min(self) -> float | None:
        return annual(self.minimum, self.period, self.currency, self.minimum, self.maximum)

    @property
    def annual_max(self) -> float | None:
        return annual(self.maximum, self.period, self.currency, self.minimum, self.maximum)

    def fields(self) -> dict[str, Any]:
        """The posting fields (``PostingData``/``postings`` columns) this pay fills."""
        return {"salary_min": self.minimum, "salary_max": self.maximum, "salary_currency": self.currency,
                "salary_interval": self.period, "salary_text": self.text,
                "salary_annual_min": self.annual_min, "salary_annual_max": self.annual_max}


def annual(value: float | None, period: str | None, currency: str | None = None,
           low: float | None = None, high: float | None = None) -> float | None:
    """``value`` in a year (hour ×2080, day ×260, week ×52, month ×12), or None when that would be a guess.

    With no period, a range whose low end (``low``, else the figure) reaches 10,000 is read as yearly; smaller
    figures are left without a yearly figure. A result outside 1,000–5,000,000 a year means the period or the
    figure is wrong, so it is refused rather than compared (not checked for currencies with small units).
    """
    if value is None:
        return None
    code = (currency or "").upper()
    if period is not None and period not in PER_YEAR:  # "one-time", or a word no reader knows
        return None
    if period is None:
        floor = min(v for v in (low, high, value) if v is not None)
        if code in _LARGE_UNIT or floor < _ASSUME_YEAR_FROM:
            return None
        period = "year"
    result = round(value * PER_YEAR[period], 2)
    if code not in _LARGE_UNIT and not _PLAUSIBLE_YEAR[0] <= result <= _PLAUSIBLE_YEAR[1]:
        return None
    return result


def stored_pay(low: float | None, high: float | None, currency: str | None, period: str | None,
               annual_low: float | None, annual_high: float | None) -> tuple[str | None, float | None, float | None]:
    """Period and yearly figures of a stored row, filled in for rows written before this parser (the source's
    own interval word, no yearly figures): an unchanged feed is never rewritten, so its rows stay that way."""
    if low is None and high is None:
        return period, annual_low, annual_high
    if period is not None and period not in PER_YEAR:
        period = period_of(period) or period
    if annual_low is None and annual_high is None:
        annual_low, annual_high = annual(low, period, currency, low, high), annual(high, period, currency, low, high)
    return period, annual_low, annual_high


def period_of(value: Any) -> str | None:
    """A structured interval ("month", "MONTH", "per-year-salary", "hourly", "p.a.", "pro Monat") as one of
    hour, day, week, month, year; None for anything else ("one-time", "")."""
    if not isinstance(value, str) or not value.strip():
        return None
    words = re.split(r"[\s_\-/]+", value.strip().lower())
    for word in words:
        if word in vocab.BARE_UNITS:
            return vocab.BARE_UNITS[word]
    return _period_in(value, vocab.PERIOD_AFTER)


def currency_of(value: Any) -> str | None:
    """An ISO 4217 code from a code or symbol ("eur", "€", "US$"); None when there is none to read."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if re.fullmatch(r"[A-Za-z]{3}", text):
        return text.upper()
    found = vocab.CUR_ANY.search(text)
    return _code(found.group(0)) if found else None


def _code(marker: str) -> str:
    return vocab.SYMBOLS.get(marker.lower(), marker.upper())


def _period_in(text: str, pattern: re.Pattern[str]) -> str | None:
    found = pattern.search(text)
    return found.lastgroup if found else None


def _prepare(text: str) -> str:
    # NFKC turns no-break and thin spaces (French "45 000 €") into plain ones; Swiss groups use ’ or '.
    return " ".join(unicodedata.normalize("NFKC", text).replace("’", "'").split())


def _value(digits: str, multiplier: str | None) -> float:
    t = digits.replace(" ", "").replace("'", "")
    if "," in t and "." in t:
        decimal = "," if t.rfind(",") > t.rfind(".") else "."
        t = t.replace("." if decimal == "," else ",", "").replace(decimal, ".")
    elif "," in t or "." in t:
        sep = "," if "," in t else "."
        parts = t.split(sep)
        t = t.replace(sep, "") if len(parts) > 2 or len(parts[-1]) == 3 else t.replace(sep, ".")
    return float(t) * (1000 if multiplier else 1)


@dataclass
class _Figure:
    start: int
    end: int
    digits: str
    grouped: bool
    multiplier: str | None
    currency: str | None


def _figures(text: str) -> list[_Figure]:
    out = []
    for m in vocab.FIGURE.finditer(text):
        before = vocab.CUR_BEFORE.search(text[max(0, m.start() - 8):m.start()])
        after = vocab.CUR_AFTER.search(text[m.end():m.end() + 10])
        marker = before or after
        out.append(_Figure(m.start(), m.end(), m.group(1), m.group(2) is not None, m.group(3),
                           _code(marker.group(0).strip()) if marker else None))
    return out


def _spans(text: str, figures: list[_Figure]) -> list[list[_Figure]]:
    """Figures joined into ranges ("65,000–80,000", "from 50 to 60k", "€40k and €50k"), else alone."""
    spans: list[list[_Figure]] = []
    for fig in figures:
        last = spans[-1] if spans else None
        if last and len(last) == 1 and vocab.CONNECTOR.match(text[last[0].end:fig.start]):
            last.append(fig)
        else:
            spans.append([fig])
    return spans


def _looks_like_pay(span: list[_Figure], values: list[float]) -> bool:
    """A span without a currency is pay only in a pay field, and only when it cannot be a year, a phone
    number, a count or a duration: grouped digits or a "k", or plain 4–6 digit figures that are no years."""
    if any(f.digits.startswith("0") and len(f.digits) > 1 for f in span):
        return False
    for fig, value in zip(span, values, strict=True):
        if fig.multiplier or fig.grouped:
            continue
        plain = fig.digits.replace(",", "").replace(".", "")
        if not 4 <= len(plain) <= 6 or value < 1000 or 1900 <= value <= 2100:
            return False
    return True


def parse_pay(text: str | None, *, field: bool = False) -> Pay:
    """Pay from free text such as "€65k–80k p.a.", "3.100,50 € brutto/Monat" or "up to $45/hr".

    A figure counts when a currency stands next to it (or next to the other end of its range). With
    ``field`` (the value of a field that holds nothing but pay, like ``salary_min: "65,000"``) no currency
    is needed. Text with no such figure, or with several unrelated ones, keeps its words and no number.
    """
    if not text or not text.strip():
        return Pay()
    raw = " ".join(text.split())[:MAX_TEXT]
    prepared = _prepare(text)
    spans = _spans(prepared, _figures(prepared))
    chosen = next((s for s in spans if any(f.currency for f in s) and not vocab.NOT_PAY.match(prepared[s[-1].end:])),
                  None)
    if chosen is None:
        plain = [s for s in spans if not vocab.NOT_PAY.match(prepared[s[-1].end:])]
        if len(spans) != 1 or not plain:
            return Pay(text=raw)
        chosen = plain[0]
        values = [_value(f.digits, f.multiplier) for f in chosen]
        if not field and not _looks_like_pay(chosen, values):
            return Pay(text=raw)
    values = [_value(f.digits, f.multiplier) for f in chosen]
    if len(values) == 2:
        values = _share_multiplier(chosen, values)
        if max(values) > 10 * min(values):  # "€60 - 70,000": one end misread, and no way to tell which
            return Pay(text=raw)
    currency = next((f.currency for f in chosen if f.currency), None)
    if currency is None:
        found = vocab.CUR_ANY.search(prepared)
        currency = _code(found.group(0)) if found else None
    low: float | None = min(values)
    high: float | None = max(values)
    if len(values) == 1:
        before = prepared[max(0, chosen[0].start - 24):chosen[0].start]
        if vocab.UP_TO.search(before):
            low = None
        elif vocab.FROM.search(before):
            high = None
    return Pay(low, high, currency, _period_near(prepared, chosen), raw)


def _share_multiplier(span: list[_Figure], values: list[float]) -> list[float]:
    """ "100-120k" and "60-70.000": the thousands of one end belong to the other when that end is far smaller
    without them."""
    (a, b), (va, vb) = span, values
    if a.multiplier and not b.multiplier and vb * 10 < va:
        vb *= 1000
    elif b.multiplier and not a.multiplier and va * 10 < vb:
        va *= 1000
    elif b.grouped and not a.grouped and not a.multiplier and va < 1000 and va * 1000 <= vb:
        va *= 1000
    return [va, vb]


def _period_near(text: str, span: list[_Figure]) -> str | None:
    """The period written right after the figures ("/month", "p.a.", "pro Stunde"), else a period word
    just before them ("Monatsgehalt:", "hourly rate"): never one further away, which may be "40 hours a week"."""
    after = vocab.STOP_AFTER.split(text[span[-1].end:span[-1].end + 32], maxsplit=1)[0]
    found = vocab.PERIOD_AFTER.search(after)
    if found:
        return found.lastgroup
    before = vocab.STOP_BEFORE.split(text[max(0, span[0].start - 40):span[0].start])[-1]
    words = list(vocab.PERIOD_WORD.finditer(before))
    return words[-1].lastgroup if words else None


def pay_in_description(text: str | None) -> Pay:
    """Pay stated in an advert's body ("Gehalt: 55.000 – 65.000 € brutto jährlich"), for sources with no pay
    field; only right after a pay word, in the same sentence, with a currency. Anything looser is no pay."""
    body = text or ""
    # Plain substring tests first: a body with no figure or no currency (most of them) costs a few µs, against
    # ~60 µs for the pay-word scan of an average advert.
    if not any(digit in body for digit in "0123456789") or not any(marker in body for marker in vocab.MARKERS):
        return Pay()
    lower = body.lower()  # matched without IGNORECASE, about twice as fast (same offsets, unless "İ" grew)
    hits = vocab.PAY_WORDS.finditer(lower) if len(lower) == len(body) else vocab.PAY_WORDS_ANY_CASE.finditer(body)
    for word in hits:
        tail = body[word.end():word.end() + 160]
        lead = len(tail) - len(tail.lstrip(" \t\n:–-"))
        raw = vocab.SENTENCE_END.split(tail[lead:], maxsplit=1)[0]
        if not any(digit in raw[:60] for digit in "0123456789"):  # "competitive salary and benefits"
            continue
        window = _prepare(raw)
        figures = _figures(window)
        if not figures or figures[0].start > 40 or any(c.isdigit() for c in window[:figures[0].start]):
            continue
        span = _spans(window, figures)[0]
        if not any(f.currency for f in span):
            continue
        # With the pay word, which may name the period ("Stundenlohn ab 14,50 €").
        pay = parse_pay(f"{body[word.start():word.end()]} {window[:span[-1].end + 32]}")
        if pay.minimum is not None or pay.maximum is not None:
            words = " ".join(body[word.start():word.end() + lead + len(raw)].split())
            return Pay(pay.minimum, pay.maximum, pay.currency, pay.period, words[:MAX_TEXT])
    return Pay()


def read_pay(minimum: Any = None, maximum: Any = None, currency: Any = None, period: Any = None,
             text: Any = None, description: str | None = None) -> Pay:
    """Pay from a source's fields: structured figures, currency and period first, the free text after.

    Figures given as strings go through the text reader in field mode, so "65,000-80,000" in a minimum
    field fills both ends and "€65.000" reads as 65,000; a figure string that cannot be read is kept as
    the text (and has no number) when there is no other text. ``description`` (the advert's body) is read
    last, only when nothing else gave a figure.
    """
    parsed_text = parse_pay(text) if isinstance(text, str) else Pay()
    ends: list[float | None] = []
    unread: list[str] = []
    found: list[Pay] = []
    for value in (minimum, maximum):
        if isinstance(value, bool) or value is None or value == "":
            ends.append(None)
        elif isinstance(value, int | float):
            ends.append(float(value) if value == value and value >= 0 else None)  # NaN and negatives: no figure
        else:
            pay = parse_pay(str(value), field=True)
            found.append(pay)
            if pay.minimum is None and pay.maximum is None:
                unread.append(" ".join(str(value).split()))
            ends.append(pay.minimum if pay.minimum is not None else pay.maximum)
            if pay.minimum is not None and pay.maximum is not None and pay.minimum != pay.maximum:
                ends = [pay.minimum, pay.maximum] if value is minimum else [ends[0] or pay.minimum, pay.maximum]
                break
    low, high = (ends + [None, None])[:2]
    if low is None and high is None:
        low, high = parsed_text.minimum, parsed_text.maximum
    if low is None and high is None and description:
        body = pay_in_description(description)
        low, high, found = body.minimum, body.maximum, [*found, body]
        parsed_text = parsed_text if parsed_text.text else Pay(text=body.text)
    code = (currency_of(currency) or next((p.currency for p in found if p.currency), None)
            or parsed_text.currency)
    unit = (period_of(period) or next((p.period for p in found if p.period), None) or parsed_text.period)
    words = parsed_text.text or (unread[0][:MAX_TEXT] if unread else None)
    if low is not None and high is not None and low > high:
        low, high = high, low
    return Pay(low, high, code, unit, words)
