"""The words a CV is read by in the six languages (``jobagent/data/cv_words.tsv``), folded once.

Kept as data so that a language is added by rows, not by code, and so every reader (sections, dates,
entries, places, titles) agrees on what "Berufserfahrung", "heute" or "GmbH" mean. Every form is compared
in ``jobagent.text.fold`` form: case and accents never decide ("Fähigkeiten" = "FAHIGKEITEN").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from importlib.resources import files

from jobagent.text import fold

_MIN_SUFFIX = 5  # role forms this long also match as the end of a compound ("Industrieelektroniker")


@lru_cache(maxsize=1)
def _table() -> dict[str, dict[str, tuple[str, ...]]]:
    table: dict[str, dict[str, list[str]]] = {}
    raw = (files("jobagent") / "data" / "cv_words.tsv").read_text(encoding="utf-8")
    for line in raw.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, key, forms = (part.strip() for part in line.split("\t"))
        bucket = table.setdefault(kind, {}).setdefault(key, [])
        bucket.extend(f for f in (fold(form.strip()) for form in forms.split("|")) if f and f not in bucket)
    return {kind: {key: tuple(forms) for key, forms in keys.items()} for kind, keys in table.items()}


def terms(kind: str) -> dict[str, tuple[str, ...]]:
    """key -> folded forms, for one kind of row ("heading", "role", "level", ...)."""
    return _table().get(kind, {})


def forms(kind: str) -> tuple[str, ...]:
    """Every folded form of a kind, longest first (so a regex alternation prefers "to date" to "to")."""
    return tuple(sorted({f for group in terms(kind).values() for f in group}, key=lambda f: (-len(f), f)))


def alternation(kind: str) -> str:
    """A regex alternation of a kind's forms, for text already folded (spaces match any white space)."""
    return "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in forms(kind))


@lru_cache(maxsize=32)
def _words(kind: str, compound_keys: tuple[str, ...]) -> tuple[frozenset[str], tuple[str, ...]]:
    long_forms = {f for key in compound_keys for f in terms(kind).get(key, ()) if len(f) >= _MIN_SUFFIX
                  and " " not in f}
    return frozenset(forms(kind)), tuple(sorted(long_forms, key=lambda f: -len(f)))


def has_term(text: str, kind: str, *, compound_keys: tuple[str, ...] = ()) -> bool:
    """``text`` holds a form of ``kind`` as whole words ("Hospital La Paz" holds the employer word
    "hospital"). Forms under ``compound_keys`` (German and Dutch, which write compounds) may also end a
    word: "Berufskraftfahrer" ends in "fahrer". Other languages' forms never do, or the French "chargé"
    would make "discharge" a job title."""
    folded = fold(text)
    whole, long_forms = _words(kind, compound_keys)
    tokens = re.findall(r"[^\W_][\w'’.-]*[^\W_]|[^\W_]", folded)
    for i, token in enumerate(tokens):
        bare = token.rstrip(".")
        if bare in whole or token in whole:
            return True
        if long_forms and any(bare.endswith(f) for f in long_forms):
            return True
        if any(" ".join(tokens[i:i + n]) in whole for n in (2, 3) if i + n <= len(tokens)):
            return True
    return False


def key_of(text: str, kind: str, keys: Iterable[str] | None = None) -> str | None:
    """The key whose form ``text`` is (folded, whole), e.g. "Muttersprache" -> "native"."""
    folded = " ".join(fold(text).split())
    for key, group in terms(kind).items():
        if (keys is None or key in keys) and folded in group:
            return key
    return None


@lru_cache(maxsize=16)
def _form_keys(kind: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, group in terms(kind).items():
        for form in group:
            out.setdefault(form, key)
    return out


def find_keys(text: str, kind: str, *, compound_keys: Iterable[str] = ()) -> list[str]:
    """The keys of ``kind`` named in ``text``, in order, each once; the longest form at a place wins
    ("sehr gut" is one form, not "gut"). Keys in ``compound_keys`` also match as a word's ending
    ("Industriemeister" names the Meister grade)."""
    table = _form_keys(kind)
    suffixes = sorted(((f, k) for f, k in table.items() if k in set(compound_keys) and len(f) >= _MIN_SUFFIX
                       and " " not in f), key=lambda fk: -len(fk[0]))
    tokens = re.findall(r"[^\W_][\w'’-]*[^\W_]|[^\W_]", fold(text))
    found: list[str] = []
    i = 0
    while i < len(tokens):
        for n in (3, 2, 1):
            key = table.get(" ".join(tokens[i:i + n])) if i + n <= len(tokens) else None
            if key is None and n == 1:
                key = next((k for f, k in suffixes if tokens[i].endswith(f)), None)
            if key is not None:
                if key not in found:
                    found.append(key)
                i += n
                break
        else:
            i += 1
    return found
