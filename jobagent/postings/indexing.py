"""The search form of a posting's title, and of a query, built in Python so both backends index the same words.

PostgreSQL's ``english`` config turned "Elektroniker für Betriebstechnik" into words no folded query could
meet ("für" stays "für"), SQLite's porter tokenizer stems only English, and neither splits Chinese. So the
stored ``postings.search_title`` holds the title's folded words, their English stems and their stems in the
posting's own language, with CJK runs as character pairs; PostgreSQL indexes it with the ``simple`` config,
SQLite with FTS5. A query word becomes a *slot*: its folded form or its stem in any of the six languages
(a query's language is rarely known), and a posting matches a title group when every slot finds a word.
German and Dutch compounds add their parts on both sides (``jobagent.compounds``): the index holds
"mathematik" and "lehrer" for "Mathematiklehrer", and the query "Mathematiklehrer" asks for those two words,
so it finds "Lehrer für Mathematik" too.
"""

from __future__ import annotations

from typing import Any

from jobagent.compounds import query_parts, split
from jobagent.languages import SUPPORTED, detect, stem, stopwords, supported
from jobagent.text import cjk_pairs, fold, split_cjk, words

Slot = tuple[str, ...]  # alternatives for one query word: any of them may match


def _stemmable(word: str) -> bool:
    return len(word) > 2 and word.isalpha() and (word.isascii() or all(c.isascii() or "\u00c0" <= c <= "\u024f"
                                                                        for c in word))


def _pieces(text: str, *, folded: bool = True) -> list[str]:
    return [p for w in words(text, folded=folded) for part in split_cjk(w) for p in cjk_pairs(part)]


def search_title(title: str | None, language: str | None) -> str:
    """The indexed form of ``title``: each folded word, then its English stem and its stem in ``language``."""
    own = supported(language)
    out: dict[str, None] = {}
    for piece in _pieces(title or ""):
        parts = split(piece)
        for word in (piece, *parts):
            out[word] = None
            if _stemmable(word) and (not parts or word != parts[0]):  # a modifier stays unstemmed: the
                # German stem of "bäcker" is "back", which "Backend" (Dutch stem "back") would then find
                out[stem(word, "en")] = None
                if own and own != "en":
                    out[stem(word, own)] = None
    return " ".join(out)[:4000]


def query_slots(term: str, *, drop: frozenset[str] = frozenset()) -> list[Slot]:
    """The slots of one query term; function words of any language and ``drop`` (level words) are left out
    unless nothing else is left ("IT" alone is a search)."""
    pieces = _pieces(term)
    kept = [p for p in pieces if p not in stopwords() and p not in drop] or pieces
    kept = [part for p in kept for part in (query_parts(p) or (p,))]
    slots: list[Slot] = []
    for piece in dict.fromkeys(kept):
        alternatives = {piece}
        if _stemmable(piece):
            alternatives.update(stem(piece, code) for code in SUPPORTED)
        slots.append(tuple(sorted(alternatives, key=lambda a: (a != piece, a))))
    return slots


def text_slots(term: str, *, drop: frozenset[str] = frozenset()) -> list[Slot]:
    """Slots for a description index that stores words unfolded (PostgreSQL's ``english`` config): each
    word's accented form and its folded one, so "für" and "fur" both reach it."""
    raw = [p for p in _pieces(term, folded=False) if fold(p) not in stopwords() and fold(p) not in drop]
    return [tuple(dict.fromkeys((p, fold(p)))) for p in dict.fromkeys(raw)]


def index_fields(title: str | None, description: str | None, language: str | None) -> dict[str, Any]:
    """The derived columns a stored posting carries: its language (detected when the source gave none)
    and its search title. Called by every path that inserts or rewrites a posting's title."""
    code = language or detect(f"{title or ''}\n{(description or '')[:1500]}")
    return {"language": code, "search_title": search_title(title, code)}
