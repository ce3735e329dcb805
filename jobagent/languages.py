"""The six languages jobagent reads and writes (English, German, Dutch, French, Spanish, Portuguese): which
language a text is in, the stem of a word in each, and each language's function words.

- ``detect``: py3langid (a naive Bayes model over byte n-grams, shipped with its weights, no network)
  restricted to the six, which was 49/50 right on short posting texts at ~0.02 ms each. Restricting it to
  six would call Russian text "en", so text that is mostly not in Latin letters is named by the full model
  ("ru", "zh", "ar"), and stored as such: the search then indexes its words unstemmed.
- ``stem``: Snowball stemmers from PyStemmer (C, all six languages). Its German stemmer merges "Fachkräfte",
  "Fachkraefte" and "Fachkrafte", and "Lehrerin" with "Lehrer", which PostgreSQL 15's german config does
  not; that is why the search index is built here, in Python, the same for both backends.
- ``stopwords``: per-language function words, kept as data files (``jobagent/data/stopwords``), dropped
  from search terms only.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from importlib import resources
from typing import Any

SUPPORTED = ("en", "de", "nl", "fr", "es", "pt")
DEFAULT = "en"
NAMES = {"en": "english", "de": "german", "nl": "dutch", "fr": "french", "es": "spanish", "pt": "portuguese"}
_lock = threading.Lock()
_identifiers: dict[str, Any] = {}


def _identifier(restricted: bool) -> Any:
    """The py3langid model, loaded once per process (0.7 s) and only when a text is first classified."""
    key = "six" if restricted else "all"
    with _lock:
        if key not in _identifiers:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
            if restricted:
                identifier.set_languages(list(SUPPORTED))
            _identifiers[key] = identifier
        return _identifiers[key]


def _latin_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 1.0
    return sum(1 for c in letters if c.isascii() or "\u00c0" <= c <= "\u024f") / len(letters)


def detect(text: str | None, *, limit: int = 2000) -> str | None:
    """The language code of ``text`` (its first ``limit`` characters), or None when it holds no letters.

    Text mostly in Latin letters is one of the six (the fallback for a Latin-script language we don't
    support is the nearest of them, which only picks a stemmer); other text gets the full model's answer.
    """
    sample = (text or "")[:limit]
    if not any(c.isalpha() for c in sample):
        return None
    restricted = _latin_share(sample) >= 0.5
    code = str(_identifier(restricted).classify(sample)[0])
    return code


def supported(code: str | None) -> str | None:
    """``code`` when it is one of the six languages, else None."""
    return code if code in SUPPORTED else None


@lru_cache(maxsize=len(SUPPORTED))
def _stemmer(code: str) -> Any:
    import Stemmer

    return Stemmer.Stemmer(NAMES[code])


@lru_cache(maxsize=65536)
def stem(word: str, code: str) -> str:
    """The Snowball stem of one casefolded word in language ``code`` (one of the six)."""
    return str(_stemmer(code).stemWord(word))


@lru_cache(maxsize=len(SUPPORTED) + 1)
def stopwords(code: str | None = None) -> frozenset[str]:
    """Function words of ``code``, or of all six languages when None (a query's language is rarely known)."""
    codes = SUPPORTED if code is None else (code,)
    words: set[str] = set()
    for c in codes:
        raw = (resources.files("jobagent") / "data" / "stopwords" / f"{c}.txt").read_text(encoding="utf-8")
        words.update(w.strip().casefold() for w in raw.splitlines() if w.strip() and not w.startswith("#"))
    from jobagent.text import fold

    return frozenset({*words, *(fold(w) for w in words)})
