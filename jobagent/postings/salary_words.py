"""The words of pay in six languages (and a few more currencies): what the one salary parser reads.

Kept apart from the parser's logic (``salary.py``) so that a new spelling ("pro Std.", "al año") is one line
here. Patterns are compiled once, at import.
"""

from __future__ import annotations

import re

PERIODS = ("hour", "day", "week", "month", "year")

SYMBOLS = {"us$": "USD", "ca$": "CAD", "c$": "CAD", "au$": "AUD", "a$": "AUD", "nz$": "NZD", "r$": "BRL",
           "rs": "INR", "rs.": "INR",
           "€": "EUR", "£": "GBP", "$": "USD", "¥": "JPY", "₹": "INR", "zł": "PLN", "kč": "CZK", "fr.": "CHF",
           "euro": "EUR", "euros": "EUR", "dollars": "USD", "pounds": "GBP", "złotych": "PLN"}
CODES = ("USD EUR GBP CHF CAD AUD NZD SEK NOK DKK PLN CZK HUF RON BGN INR BRL MXN JPY SGD HKD ZAR ILS TRY "
         "AED CNY KRW").split()
CUR = (r"(?:US\$|CA\$|C\$|AU\$|A\$|NZ\$|R\$|[€£$¥₹]|zł|Kč|Fr\.|\bRs\.?|\b(?:" + "|".join(CODES) + r")\b"
       r"|\b(?:[Ee]uros?|[Dd]ollars|[Pp]ounds|złotych)\b)")
CUR_BEFORE = re.compile(CUR + r"\s?$")
CUR_AFTER = re.compile(r"^\s?" + CUR)
CUR_ANY = re.compile(CUR)

# A figure: grouped thousands ("65,000", "65.000", "1 200", "120'000", "3.100,50") or plain digits with at most
# two decimals; never glued to letters, "+" (phone numbers) or other figures.
FIGURE = re.compile(r"(?<![\w.,+/#])"
                    r"(\d{1,3}(?:([.,' ])\d{3})(?:\2\d{3})*(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?)"
                    r"(?!\d|[.,]\d)(?:\s?([kK](?![^\W\d_])|[Tt]sd\.?|tausend|mil(?![^\W\d_])|thousand))?")
CONNECTOR = re.compile(r"^\s*(?:" + CUR + r")?\s*(?:-|–|—|−|~|to|bis|à|a|tot|and|und|et|y|e|até|hasta)\s*"
                       r"(?:" + CUR + r")?\s*$", re.IGNORECASE)
UP_TO = re.compile(r"(?<!\w)(?:up\s+to|bis\s+zu|max(?:imum|imal|\.)?|jusqu['’]?\s*à|hasta|até|tot|maximaal)\s*"
                   r"(?:" + CUR + r")?\s*$", re.IGNORECASE)
FROM = re.compile(r"(?<!\w)(?:from|starting\s+(?:at|from)|ab|à\s+partir\s+de|desde|a\s+partir\s+de|vanaf|"
                  r"min(?:imum|\.)?|at\s+least|mindestens)\s*(?:" + CUR + r")?\s*$", re.IGNORECASE)
# After a figure these words make it something other than pay: "€5 million" (turnover), "40 hours", "5 %".
NOT_PAY = re.compile(r"^\s?(?:k\s?)?(?:%|million|mio|mrd|billion|bn\b|mn\b|m\b|years?|yrs|jahre|ans\b|años|anos|"
                     r"jaar|hours|hrs|stunden|uren|heures|horas|employees|mitarbeiter|people|days|tage|budget|"
                     r"bonus|allowance|zuschuss|stipend)", re.IGNORECASE)

UNITS = {
    "hour": r"hours?|hrs?|h|stunde|std\.?|uur|heure|hora",
    "day": r"days?|tag|dag|jour|d[ií]a",
    "week": r"weeks?|wk|woche|semaine|semana",
    "month": r"months?|mths?|mo|monat|maand|mois|mes|mês|mies\.?|miesiąc",
    "year": r"years?|yrs?|annum|jahr|jaar|an|año|ano",
}
# Words that name the period wherever they stand ("Monatsgehalt: 3.000 €", "3.000 € monatlich").
WORDS = {
    "hour": r"hourly|stündlich|stundenlohn|uurloon|horaire|por\s+hora",
    "day": r"daily|day\s+rate|tagessatz|dagtarief|journalier|diária|diario",
    "week": r"weekly|wöchentlich|wekelijks|hebdomadaire|semanal",
    "month": r"monthly|monatlich|monatsgehalt|monatsbrutto|maandelijks|maandsalaris|maandloon|mensuel(?:le)?|"
            r"mensua(?:l|les)|mensa(?:l|is)|miesięcznie",
    "year": r"annual(?:ly)?|yearly|jährlich|jahresgehalt|jahresbrutto|jaarlijks|jaarsalaris|annuel(?:le)?|"
           r"anua(?:l|les|is)|rocznie",
}
# Short forms that only mean a period right after a figure ("£50k pa", "3,000 pcm").
AFTER_ONLY = {"month": r"pcm|p\.\s?m\.|p/m|mtl\.?", "year": r"p\.\s?a\.?|pa"}
PREFIX = r"(?:(?:per|an?|each|every|pro|par|por|al|ao|a\s+la|im|de\s+la)\s+|de\s+l['’]\s*|/\s*)"


def _period_regex(after: bool) -> re.Pattern[str]:
    parts = []
    for period in PERIODS:
        alternatives = [PREFIX + "(?:" + UNITS[period] + ")", WORDS[period]]
        if after and period in AFTER_ONLY:
            alternatives.append(AFTER_ONLY[period])
        parts.append(f"(?P<{period}>" + "|".join(f"(?:{a})" for a in alternatives) + ")")
    # Not inside a word ("Champagne" holds no "pa"), except a slash form glued to one ("brutto/Monat").
    return re.compile(r"(?:(?<![^\W\d_])|(?=/))(?:" + "|".join(parts) + r")(?![^\W\d_])", re.IGNORECASE)


PERIOD_AFTER = _period_regex(after=True)
PERIOD_WORD = _period_regex(after=False)
BARE_UNITS = {word: period for period, units in (
    ("hour", "hour hours hourly hr h stunde stunden stündlich uur heure hora"),
    ("day", "day days daily tag dag jour dia día"),
    ("week", "week weeks weekly wk woche semaine semana"),
    ("month", "month months monthly mo mth monat monatlich maand mois mes mês"),
    ("year", "year years yearly annual annually annum yr y jahr jährlich jaar an año ano anual annuel"))
    for word in units.split()}


# The words about a figure end at the next figure, list separator or sentence: "€3,000, 40 hours per week" is
# a monthly or yearly figure, never a weekly one.
STOP_AFTER = re.compile(r"\d|[;|•]|\.\s+[A-ZÄÖÜ]")
STOP_BEFORE = re.compile(r"[\d,;|•]")


# Words that introduce pay in an advert's body. The figures must follow within a few words, with no other figure
# before them and a currency beside them: "Benefits: 30 days off, €1,000 budget" is no salary.
PAY_WORDS = re.compile(r"\b(?:salary|compensation|pay(?:\s+range)?|wages?|gehalt|jahresgehalt|"
                       r"monatsgehalt|bruttogehalt|vergütung|bezahlung|stundenlohn|salaire|rémunération|salario|"
                       r"sueldo|retribución|salário|remuneração|salaris|beloning)\b")
PAY_WORDS_ANY_CASE = re.compile(PAY_WORDS.pattern, re.IGNORECASE)
MARKERS = ("€", "£", "$", "¥", "₹", "zł", "Kč", "Fr.", "Rs", "uro", "ollars", "ounds", *CODES)
SENTENCE_END = re.compile(r"[.!?;]\s|\n\s*\n")
