"""German and Dutch compounds split into their parts, so "Mathematiklehrer" meets "Lehrer für Mathematik",
"Elektroniker" finds "Industrieelektroniker" and "Sportfysiotherapeut" is a "Fysiotherapeut".

Snowball splits no compounds, and a trigram index splits everything: "Backend" would find "Bäckermeister".
So a word is split only where it ends with a known occupational head (``data/compound_heads.txt``) after a
part of three or more letters; a linking "s" is dropped from that part ("Gesundheits" -> "gesundheit").
The postings index and the query use this one function, so both sides see the same parts.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from jobagent.text import fold

_MIN_PART = 3


@lru_cache(maxsize=1)
def _lists() -> tuple[frozenset[str], frozenset[str]]:
    """(heads, words kept whole): a "!" line names a word that ends with a head but is no compound of it."""
    raw = (resources.files("jobagent") / "data" / "compound_heads.txt").read_text(encoding="utf-8")
    lines = [line.strip() for line in raw.splitlines() if line.strip() and not line.startswith("#")]
    return (frozenset(fold(x) for x in lines if not x.startswith("!")),
            frozenset(fold(x[1:]) for x in lines if x.startswith("!")))


def heads() -> frozenset[str]:
    return _lists()[0]


def _modifier(part: str) -> str:
    """The first part without a linking "s" ("verkehrs" -> "verkehr"), when what remains is still a word."""
    return part[:-1] if part.endswith("s") and len(part) > 5 and not part.endswith("ss") else part


@lru_cache(maxsize=65536)
def split(word: str) -> tuple[str, ...]:
    """The parts of a folded compound, modifier first, then the head and the head's own parts
    ("sportfysiotherapeut" -> "sport", "fysiotherapeut", "fysio", "therapeut"), or () when ``word`` is not
    a compound this module knows."""
    known, whole = _lists()
    if len(word) < _MIN_PART + 4 or not word.isalpha() or word in whole:
        return ()
    for cut in range(_MIN_PART, len(word) - 3):  # the shortest first part leaves the longest known head
        head = word[cut:]
        if head in known:
            first = _modifier(word[:cut].rstrip("-"))
            return (first, head, *split(head))
    return ()


def query_parts(word: str) -> tuple[str, ...]:
    """The two parts a query word stands for ("mathematiklehrer" -> "mathematik", "lehrer"): every posting
    holding the compound also holds these in the index, and so does "Lehrer für Mathematik"."""
    return split(word)[:2]
