"""One regex for a list of phrases over space-joined folded words (``jobagent.text.words``), factored as a
trie, so the employment kinds and the closed-advert phrases cost one fast pass per text.

Why a trie: Python's ``re`` tries every branch of a plain alternation at every word start; with a hundred
phrases that was ~1 ms a posting, which a harvest of tens of thousands of postings notices. Factored by
common prefixes, a position fails after its first letter. A word may carry "*" at either edge (a compound's
other part, "*praktikum*" in "Pflichtpraktikum"), matched as letters up to the next space.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from jobagent.text import words

_WILD = object()  # "[^ ]*": the rest (or the start) of a compound word
_END = ""  # marks a phrase ending in the trie


def _symbols(phrase: str) -> list[Any]:
    out: list[Any] = []
    for n, piece in enumerate(phrase.split()):
        if n:
            out.append(" ")
        if piece.startswith("*"):
            out.append(_WILD)
        out.extend(" ".join(words(piece.strip("*"))))
        if piece.endswith("*") and len(piece) > 1:
            out.append(_WILD)
    return out


def _emit(node: dict[Any, Any]) -> str:
    ending = _END in node
    branches = []
    for sym, child in node.items():
        if sym is _END:
            continue
        head = "[^ ]*" if sym is _WILD else re.escape(sym)
        branches.append(head + _emit(child))
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 and not ending else "(?:" + "|".join(branches) + ")"
    if ending:
        body = ("(?:" + "|".join(branches) + ")" if len(branches) > 1 else f"(?:{branches[0]})") + "?"
    return body


def phrase_regex(phrases: Iterable[str]) -> str:
    """The pattern text of whole-word matches of any of ``phrases`` (data-file spelling, "*" wildcards)."""
    trie: dict[Any, Any] = {}
    for phrase in phrases:
        node = trie
        for sym in _symbols(phrase):
            node = node.setdefault(sym, {})
        node[_END] = {}
    return r"(?<![^ ])" + _emit(trie) + r"(?![^ ])"


def compile_phrases(phrases: Iterable[str]) -> re.Pattern[str]:
    return re.compile(phrase_regex(phrases))


@lru_cache(maxsize=256)
def joined_words(text: str) -> str:
    """The folded words of ``text`` joined by single spaces, the form the phrase patterns run over; cached,
    since a harvest asks for the same title and body start about the kinds, the closure and the dates."""
    return " ".join(words(text))
