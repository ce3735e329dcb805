"""The languages a person speaks, with their levels, from a CV's languages section in any of the six
languages: "Deutsch (Muttersprache)", "Englisch – verhandlungssicher (C1)", "Engels: vloeiend",
"Anglais courant", "Inglés B2", "Português nativo".

Each is stored as "<English name> (<level>)": the CEFR level when the CV gives one (A1–C2), else
"native", "fluent", "good" or "basic" (``proficiency`` rows of ``jobagent/data/cv_words.tsv``); a language
named without a level is stored by its name alone. The English name keeps one spelling per language, so
a posting's "Deutschkenntnisse" and a CV's "Allemand" meet on "German".
"""

from __future__ import annotations

import re

from jobagent.cv.lexicon import find_keys
from jobagent.cv.sections import clean, strip_bullet

_CEFR = re.compile(r"(?<![A-Za-z0-9])([ABC][12])(?![0-9])(?:\s*[/–-]\s*[ABC][12])?")
_CHUNKS = re.compile(r"\s*[,;|•·]\s*")


def spoken_languages(lines: list[str]) -> list[str]:
    """"Name (level)" for each language named in the lines, in order, each once."""
    out: dict[str, str | None] = {}
    for raw in lines:
        text = strip_bullet(clean(raw))
        if not text:
            continue
        last: list[str] = []  # the languages of the previous chunk on this line
        for chunk in _CHUNKS.split(text):
            names = find_keys(chunk, "language")
            cefr = _CEFR.search(chunk)
            words = find_keys(chunk, "proficiency")
            level = cefr.group(1) if cefr else (words[0] if words else None)
            if not names:
                # A table row or a separated line ("Nederlands | moedertaal"): the level in its own cell
                # belongs to the language just before it.
                names, last = ([n for n in last if out.get(n) is None] if level else []), []
            else:
                last = names
            for name in names:
                if out.get(name) is None:
                    out[name] = level
    return [f"{name} ({level})" if level else name for name, level in out.items()]


def language_name(entry: str) -> str:
    """"German (C1)" -> "German": what a matcher compares."""
    return entry.split(" (", 1)[0].strip()
