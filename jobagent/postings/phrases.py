"""The words of template letters and tailored CVs in the posting's language (issue 25 §6).

Every sentence lives in ``jobagent/data/letter_phrases.json``, one table per language (en, de, nl, fr, es,
pt), so the renderer in ``letters``/``evidence``/``tailored_cv`` stays language-neutral: it picks facts and
fills placeholders, and a new language (or a better German sentence) is a data change, not a code change.
A language outside the six falls back to English.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from typing import Any

from jobagent.languages import DEFAULT, supported

_GENDER_MARK = re.compile(r"\s*\((?:[mwdfhvx*]\s*/\s*)+[mwdfhvx*]\)", re.I)  # "(m/w/d)", "(H/F)", "(m/v)"
_DOUBLE_STOP = re.compile(r"(?<!\.)\.\.(?!\.)")  # "at Acme B.V.." when a name ends the sentence


@lru_cache(maxsize=1)
def _table() -> dict[str, dict[str, Any]]:
    raw = (resources.files("jobagent") / "data" / "letter_phrases.json").read_text(encoding="utf-8")
    return {k: v for k, v in json.loads(raw).items() if not k.startswith("_")}


def letter_language(posting_language: str | None, forced: str | None = None) -> str:
    """The language a letter is written in: the user's choice, else the posting's, else English."""
    return supported(forced) or supported(posting_language) or DEFAULT


def posting_letter_language(posting: Any, forced: str | None = None) -> str:
    """``letter_language`` for a posting whose language was never stored (harvested before detection, or
    from a source that gives none): read from its title and text now, so a German advert still gets a German
    letter rather than the English default."""
    if supported(forced):
        return letter_language(None, forced)
    code = posting.language
    if not supported(code) and not code:
        from jobagent.languages import detect

        code = detect(f"{posting.title or ''}\n{posting.description or ''}")
    return letter_language(code)


def all_prepositions() -> list[str]:
    """Every language's words before an employer's name; a letter of unknown language is read with all."""
    return sorted({p for t in _table().values() for p in t["prepositions"]}, key=lambda p: (-len(p), p))


class Phrases:
    """One language's phrase table, with the few grammar rules its data declares."""

    def __init__(self, language: str | None) -> None:
        self.language = letter_language(language)
        self._t = _table()[self.language]
        self._elisions = [(re.compile(p), r) for p, r in self._t["elisions"]]

    def has(self, key: str) -> bool:
        return key in self._t

    def say(self, key: str, **values: Any) -> str:
        """The phrase ``key`` with its placeholders filled, elided ("de Esker" -> "d'Esker") and with no "..". """
        text = str(self._t[key]).format(**values)
        for pattern, replacement in self._elisions:
            text = pattern.sub(replacement, text)
        return _DOUBLE_STOP.sub(".", text)

    def cv(self, key: str) -> Any:
        return self._t["cv"][key]

    @property
    def prepositions(self) -> list[str]:
        return list(self._t["prepositions"])

    def join(self, items: list[str]) -> str:
        """ "A, B and C" / "A, B und C" / "A, B et C"."""
        if len(items) <= 1:
            return "".join(items)
        return f"{', '.join(items[:-1])}{self._t['and']}{items[-1]}"

    def years(self, years: int) -> str:
        return self.say("n_years_one") if years == 1 else self.say("n_years", years=years)

    @staticmethod
    def role(title: str) -> str:
        """A posting's title as the letter names the role: without the "(m/w/d)" the advert adds."""
        return _GENDER_MARK.sub("", title).strip() or title

    def title(self, title: str) -> str:
        """A job title as running text: "a senior accountant" (en), "docent wiskunde" (nl), German kept as is."""
        title = _GENDER_MARK.sub("", title).strip()
        mode = self._t["title_case"]
        if mode == "lower":
            title = " ".join(w if w.isupper() or any(c.isdigit() for c in w) else w.lower() for w in title.split())
        elif mode == "first" and len(title) > 1 and title[1].islower():
            title = title[0].lower() + title[1:]
        return _article(title) if self._t["article"] else title

    def words(self) -> set[str]:
        """The table's own words: the letter's fixed vocabulary is never a claim about the person."""
        text = re.sub(r"\{\w+\}", " ", " ".join(str(v) for v in self._t.values() if isinstance(v, str)))
        return {w.casefold() for w in re.findall(r"\w+", text)}


def _article(phrase: str) -> str:
    """ "an accountant", "a senior nurse", "an ICU nurse" (by sound of the first letter, acronyms spelled)."""
    first = phrase.split()[0] if phrase.split() else ""
    vowel = first[:1].lower() in "aeio" or (first.isupper() and first[:1] in "AEFHILMNORSX")
    if first.lower().startswith(("uni", "use", "eu")):
        vowel = False
    return f"{'an' if vowel else 'a'} {phrase}"
