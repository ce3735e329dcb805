"""Whether a posting asks for a language the person does not speak (issue 25 §4).

A posting that requires "fließende Deutschkenntnisse" or "fluent Dutch" is no match for someone whose CV
lists English and Spanish, however well the title fits; one that only calls German "a plus" still is. A
requirement is a language name with a requirement word within three words ("fluent", "C1", "vloeiend",
"courant", "imprescindible"…) or a German "-kenntnisse" compound, in a sentence without a wish word ("von
Vorteil", "un atout", "se valora"). Names and words are data (``data/language_requirements.tsv``).
A profile that lists no languages is not judged: missing data is no gap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from jobagent.text import fold, words

_WINDOW = 3
# Words after a language name that keep it a language ("German language skills", "Dutch speakers").
_FOLLOWERS = frozenset({"language", "languages", "skills", "speaker", "speakers", "speaking", "level", "sprache",
                        "sprachkenntnisse", "taal", "langue", "idioma", "lingua", "oder", "also", "both"})
_SENTENCE = re.compile(r"(?<=[.!?;:\n•])\s+|\n")


@dataclass(frozen=True)
class _Table:
    names: dict[str, str]  # folded name -> code
    cues: frozenset[str]
    cue_phrases: tuple[str, ...]
    wishes: frozenset[str]
    wish_phrases: tuple[str, ...]


@lru_cache(maxsize=1)
def _table() -> _Table:
    raw = (resources.files("jobagent") / "data" / "language_requirements.tsv").read_text(encoding="utf-8")
    names: dict[str, str] = {}
    cues: list[str] = []
    wishes: list[str] = []
    for line in raw.splitlines():
        if not line.strip() or line.startswith("#") or "\t" not in line:
            continue
        kind, entries = line.split("\t", 1)
        items = [fold(e.strip()) for e in entries.split("|") if e.strip()]
        if kind.startswith("name:"):
            names.update(dict.fromkeys(items, kind[5:]))
        elif kind == "cue":
            cues += items
        elif kind == "wish":
            wishes += items
    return _Table(names, frozenset(c for c in cues if " " not in c), tuple(c for c in cues if " " in c),
                  frozenset(w for w in wishes if " " not in w), tuple(w for w in wishes if " " in w))


def _named(word: str, table: _Table) -> str | None:
    """The language a word names: "german", "deutsch", or the compound "deutschkenntnisse"."""
    if word in table.names:
        return table.names[word]
    if word.endswith(("kenntnisse", "kenntnissen")):
        return table.names.get(word[: word.index("kenntniss")].rstrip("s"))
    return None


def required_languages(text: str) -> set[str]:
    """Codes of the languages a posting's text requires."""
    table = _table()
    found: set[str] = set()
    for sentence in _SENTENCE.split(text or ""):
        tokens = words(sentence)
        if not tokens:
            continue
        joined = " ".join(tokens)
        if any(w in table.wishes for w in tokens) or any(p in joined for p in table.wish_phrases):
            continue
        for i, token in enumerate(tokens):
            code = _named(token, table)
            if not code:
                continue
            after = tokens[i + 1] if i + 1 < len(tokens) else ""
            if len(after) > 3 and after.isalpha() and after not in table.cues and after not in _FOLLOWERS \
                    and not _named(after, table):
                continue  # an adjective: "German customers", "the Dutch market"
            near = tokens[max(0, i - _WINDOW): i + _WINDOW + 1]
            if token.endswith("kenntnisse") or any(w in table.cues for w in near) or \
                    any(p in " ".join(near) for p in table.cue_phrases):
                found.add(code)
    return found


def spoken_languages(languages: list[str]) -> set[str]:
    """Codes of the languages a profile lists ("German (native)", "Inglés C1", "nl")."""
    table = _table()
    codes = {_named(w, table) for entry in languages for w in words(entry)}
    codes |= {fold(e.strip()) for e in languages if len(e.strip()) == 2 and e.strip().isalpha()}
    return {c for c in codes if c}


def missing_languages(posting_text: str, languages: list[str]) -> list[str]:
    """The required languages the person does not list, as names ("German"); [] when the profile lists none."""
    spoken = spoken_languages(languages)
    if not spoken:
        return []
    return sorted(_NAMES.get(c, c) for c in required_languages(posting_text) - spoken)


_NAMES = {"en": "English", "de": "German", "nl": "Dutch", "fr": "French", "es": "Spanish", "pt": "Portuguese",
          "it": "Italian", "pl": "Polish", "ru": "Russian", "zh": "Chinese", "ar": "Arabic", "tr": "Turkish",
          "ja": "Japanese"}
