"""The skills and occupations vocabularies (``jobagent/data/skills.tsv``, with the same skills as German,
Dutch, French, Spanish and Portuguese CVs write them in ``skills_translations.tsv``; ``occupations.tsv``)
and a fast phrase matcher over them.

Matching works on tokens, not one regex per term: a CV is split once into word-like tokens ("C++", "GD&T",
"CI/CD", "Node.js" stay whole) and phrases of up to six tokens are looked up in dictionaries, longest
first. With ~1,000 skills and ~2,500 title forms this is what keeps extraction of a two-page CV in the
low milliseconds. Forms of three characters or fewer, or written with "=", match only as written, so
"Go" is not "go" and "Lean" (the method) is not "lean" (the adjective).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files

from jobagent.text import fold

LEVELS = ("entry", "junior", "mid", "senior", "lead", "manager", "director")
LEVEL_RANK = {name: i for i, name in enumerate(LEVELS)}
_LEVEL_CODES = {"e": "entry", "j": "junior", "m": "mid", "s": "senior", "l": "lead"}
_ENGINEERING = {"mechanical", "electrical", "civil"}
_TECH = {"software", "data", "infrastructure"}
MAX_PHRASE = 6

_TOKEN = re.compile(r"\.?[^\W_][\w+#&./'’:-]*")
_TRAIL = ".,'’:/&-"


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int
    initial: bool = False  # a single letter followed by "." (the "R." of "John R. Smith")


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    for m in _TOKEN.finditer(text):
        raw = m.group(0)
        word = raw.rstrip(_TRAIL)
        if not word:
            continue
        if ":" in word:  # "9001:2015" is two tokens; ":" stays out of words otherwise
            head, _, tail = word.partition(":")
            tokens.append(Token(head, m.start(), m.start() + len(head)))
            if tail.strip(_TRAIL):
                tokens.append(Token(tail.strip(_TRAIL), m.start() + len(head) + 1, m.end()))
            continue
        tokens.append(Token(word, m.start(), m.start() + len(word),
                            initial=len(word) == 1 and raw[1:2] == "."))
    return tokens


def _key(form: str) -> str:
    return " ".join(t.text for t in tokenize(form))


@dataclass
class PhraseIndex:
    """Phrase → value, with case-sensitive forms kept apart from the case-folded ones."""

    exact: dict[str, object] = field(default_factory=dict)
    folded: dict[str, object] = field(default_factory=dict)
    longest: int = 1
    # First word of every phrase → the most words a phrase starting with it has; most tokens of a CV
    # start no phrase at all, and this skips them with one dictionary miss instead of six lookups.
    first_exact: dict[str, int] = field(default_factory=dict)
    first_folded: dict[str, int] = field(default_factory=dict)

    def add(self, form: str, value: object, *, min_folded: int = 4) -> None:
        marked = form.startswith("=")
        form = form.removeprefix("=").strip()
        key = _key(form)
        if not key:
            return
        self.longest = max(self.longest, min(MAX_PHRASE, key.count(" ") + 1))
        words = key.count(" ") + 1
        first = key.split(" ", 1)[0]
        if marked or len(form) < min_folded:
            self.exact.setdefault(key, value)
            self.first_exact[first] = max(self.first_exact.get(first, 0), words)
        else:
            self.folded.setdefault(key.lower(), value)
            self.first_folded[first.lower()] = max(self.first_folded.get(first.lower(), 0), words)

    def lookup(self, phrase: str) -> object | None:
        return self.exact.get(phrase) or self.folded.get(phrase.lower())

    def scan(self, text: str, *, split_parts: bool = True) -> Iterator[tuple[object, int, int]]:
        """(value, start, end) of every phrase in the text, left to right, longest match first."""
        tokens = tokenize(text)
        i, n = 0, len(tokens)
        while i < n:
            matched = 0
            head = tokens[i].text
            most = max(self.first_exact.get(head, 0), self.first_folded.get(head.lower(), 0))
            if not most:
                if split_parts:
                    yield from self._parts(tokens[i])
                i += 1
                continue
            reach = 1
            while reach < min(most, n - i) and text[tokens[i + reach - 1].end:
                                                             tokens[i + reach].start].strip(" \t") == "":
                reach += 1  # a phrase never spans punctuation: "AutoCAD, Civil 3D" is two skills
            for size in range(reach, 0, -1):
                window = tokens[i:i + size]
                if size == 1 and window[0].initial:
                    break
                value = self.lookup(" ".join(t.text for t in window))
                if value is not None:
                    yield value, window[0].start, window[-1].end
                    matched = size
                    break
            if not matched and split_parts:
                yield from self._parts(tokens[i])
            i += matched or 1

    def _parts(self, token: Token) -> Iterator[tuple[object, int, int]]:
        """"Python/SQL" and "APQP/PPAP" name two skills; "JavaScript-based" names one (parts > 2 chars)."""
        if "/" in token.text:
            parts = token.text.split("/")
        elif "-" in token.text:
            parts = [p for p in token.text.split("-") if len(p) > 2]
        else:
            return
        offset = token.start
        for part in parts:
            word = part.strip(_TRAIL)
            value = self.lookup(word) if word else None
            if value is not None:
                yield value, offset, offset + len(part)
            offset += len(part) + 1


# --- skills ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Skill:
    name: str
    field: str
    cert: bool = False


def _rows(name: str) -> Iterator[list[str]]:
    for raw in (files("jobagent") / "data" / name).read_text(encoding="utf-8").splitlines():
        if raw.strip() and not raw.startswith("#"):
            yield [part.strip() for part in raw.split("\t")]


@lru_cache(maxsize=1)
def skills() -> dict[str, Skill]:
    out: dict[str, Skill] = {}
    for row in _rows("skills.tsv"):
        name = row[0].removeprefix("=")
        out.setdefault(name, Skill(name, row[1] if len(row) > 1 else "", len(row) > 3 and row[3] == "cert"))
    return out


TRANSLATED = ("de", "nl", "fr", "es", "pt")  # the columns of skills_translations.tsv, in order
_GERMAN_SPELLING = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})


def _spellings(form: str, lang: str) -> list[str]:
    """A translated form as written, and as CVs also type it: without accents ("gestao de stocks"), with
    German umlauts spelled out ("Menueplanung"), with the typographic apostrophe ("d’équipe").

    The phrase index folds case only, so the other spellings are added here, at load time, rather than
    by folding every CV token at match time (which would also change what the English forms match).
    """
    out = [form]
    if lang == "de":
        out.append(form.translate(_GERMAN_SPELLING))
    if not form.isascii() and not form.startswith("="):
        out.append(fold(form))
    out += [f.replace("'", "’") for f in out if "'" in f]
    return list(dict.fromkeys(out))


def skill_translations() -> dict[str, dict[str, list[str]]]:
    """canonical skill → language → its forms in that language (skills_translations.tsv, as written)."""
    out: dict[str, dict[str, list[str]]] = {}
    for row in _rows("skills_translations.tsv"):
        name = row[0].removeprefix("=")
        for lang, cell in zip(TRANSLATED, row[1:], strict=False):
            forms = [a.strip() for a in cell.split("|") if a.strip()]
            out.setdefault(name, {}).setdefault(lang, []).extend(forms)
    return out


@lru_cache(maxsize=1)
def skill_index() -> PhraseIndex:
    index = PhraseIndex()
    for row in _rows("skills.tsv"):
        name = row[0].removeprefix("=")
        aliases = [a for a in (row[2].split("|") if len(row) > 2 else []) if a.strip()]
        for form in [row[0], *aliases]:
            index.add(form, name)
    # English first: a translated form that happens to be an English alias too keeps its English meaning.
    known = skills()
    for name, by_lang in skill_translations().items():
        if name not in known:
            raise ValueError(f"skills_translations.tsv names {name!r}, which skills.tsv does not define")
        for lang, forms in by_lang.items():
            for form in forms:
                for spelling in _spellings(form, lang):
                    index.add(spelling, name)
    return index


_FIRST = re.compile(r"[^\W_]+")
SkillForms = tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]


@lru_cache(maxsize=1)
def _skill_forms() -> dict[str, SkillForms]:
    folded: dict[str, dict[str, list[str]]] = {}
    exact: dict[str, dict[str, list[str]]] = {}
    for table, out in ((skill_index().folded, folded), (skill_index().exact, exact)):
        for key, value in table.items():
            first = (_FIRST.findall(key.lower()) or [""])[0]
            out.setdefault(str(value), {}).setdefault(first, []).append(key)
    return {name: ({w: tuple(f) for w, f in folded.get(name, {}).items()},
                   {w: tuple(f) for w, f in exact.get(name, {}).items()}) for name in set(folded) | set(exact)}


@lru_cache(maxsize=4096)
def skill_forms(skill: str) -> SkillForms:
    """Every way the vocabulary writes a skill, in English and the other five languages, for matching a
    profile's (canonical) skill against a posting: a French posting names "Inventory Management" as
    "gestion des stocks" and "Food Safety" as "HACCP". Returns (lowercased forms, forms that match only as
    written), each grouped under its first word in lower case, so that a caller holding a text's words
    searches only for the forms that can occur in it. Empty for a skill the vocabulary does not know.
    """
    name = skill_index().lookup(_key(skill))
    return _skill_forms().get(str(name), ({}, {})) if name is not None else ({}, {})


def find_skills(text: str) -> list[str]:
    """Canonical skills in order of first mention, each once."""
    return list(dict.fromkeys(str(v) for v, _, _ in skill_index().scan(text)))


def skill_field(name: str) -> str | None:
    skill = skills().get(name)
    return skill.field if skill else None


# --- occupations ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Occupation:
    title: str  # canonical display form at this level ("Senior Site Reliability Engineer")
    base: str  # the bare occupation ("Site Reliability Engineer")
    field: str
    level: str
    related: tuple[str, ...] = ()  # bases at the same rung
    skills: tuple[str, ...] = ()


def _prefixes(level: str, field_name: str) -> list[str]:
    if level == "entry":
        return ["Graduate"] if field_name in _ENGINEERING | _TECH else ["Trainee"]
    if level == "junior":
        return ["Junior"]
    if level == "senior":
        return ["Senior"]
    if level == "lead":
        if field_name in _TECH:
            return ["Staff", "Lead", "Principal"]
        return ["Principal", "Lead"] if field_name in _ENGINEERING else ["Lead"]
    return [""]


_LEVEL_WORDS = {"senior": "senior", "sr": "senior", "snr": "senior", "junior": "junior", "jr": "junior",
                "jnr": "junior", "lead": "lead", "staff": "lead", "principal": "lead", "graduate": "entry",
                "trainee": "entry", "apprentice": "entry", "entry-level": "entry", "head": "director",
                "chief": "director", "associate": "junior"}


@dataclass
class Occupations:
    by_title: dict[str, Occupation]  # canonical title → occupation
    forms: dict[str, dict[str, str]]  # base → level → canonical title
    bases: dict[str, Occupation]  # base → its own row (its lowest listed level)
    index: PhraseIndex  # every spelling, with level prefixes, → canonical title
    base_index: PhraseIndex  # bare spellings → base


@lru_cache(maxsize=1)
def occupations() -> Occupations:
    by_title: dict[str, Occupation] = {}
    forms: dict[str, dict[str, str]] = {}
    bases: dict[str, Occupation] = {}
    index, base_index = PhraseIndex(), PhraseIndex()
    for row in _rows("occupations.tsv"):
        row += [""] * (6 - len(row))
        base, field_name, levels, aliases, related, key_skills = row[:6]
        names = [base, *(a for a in aliases.split("|") if a)]
        rel = tuple(r for r in related.split("|") if r)
        sk = tuple(s for s in key_skills.split("|") if s)
        if levels.startswith("="):
            level_list = [(levels[1:], [""])]
        else:
            level_list = [(_LEVEL_CODES[c], _prefixes(_LEVEL_CODES[c], field_name)) for c in levels]
        forms[base] = {}
        for level, prefixes in level_list:
            canonical = f"{prefixes[0]} {base}".strip()
            occ = Occupation(canonical, base, field_name, level, rel, sk)
            by_title.setdefault(canonical, occ)
            forms[base][level] = canonical
            bases.setdefault(base, occ)
            for prefix in prefixes:
                for name in names:
                    index.add(f"{prefix} {name}".strip(), canonical)
        for name in names:
            base_index.add(name, base)
    # Related titles may be written as any spelling ("Critical Care Nurse Specialist", "Lead Software
    # Engineer"): resolve each to its base, so suggestions can put it at the person's level.
    for title, o in list(by_title.items()):
        resolved: list[str] = []
        for name in o.related:
            hit = index.lookup(_key(name))
            hit_base = by_title[str(hit)].base if hit is not None else None
            if hit_base and hit_base != o.base and hit_base not in resolved:
                resolved.append(hit_base)
        by_title[title] = Occupation(o.title, o.base, o.field, o.level, tuple(resolved), o.skills)
    bases = {b: by_title[o.title] for b, o in bases.items()}
    return Occupations(by_title, forms, bases, index, base_index)


def parse_title(raw: str) -> Occupation | None:
    """The occupation a written title names ("Sr. SRE" → Senior Site Reliability Engineer), or None.

    The whole title is tried first, then the longest occupation phrase inside it, with a level word found
    elsewhere in the title applied ("Manufacturing Engineer II - Senior").
    """
    occ = occupations()
    text = raw.strip(" \t.,;:-–—|")
    if not text:
        return None
    exact = occ.index.lookup(_key(text))
    if exact is not None:
        return occ.by_title[str(exact)]
    best: tuple[int, str] | None = None
    for value, start, end in occ.index.scan(text, split_parts=False):
        if best is None or end - start > best[0]:
            best = (end - start, str(value))
    if best is None:
        return None
    found = occ.by_title[best[1]]
    if found.level == "mid":
        words = [w.lower().rstrip(".") for w in re.findall(r"[\w.-]+", text)]
        for word in words:
            level = _LEVEL_WORDS.get(word)
            if level and level in occ.forms[found.base]:
                return occ.by_title[occ.forms[found.base][level]]
    return found


def find_titles(text: str) -> list[Occupation]:
    """Occupations named anywhere in free text (for CVs without dated entries); short aliases skipped."""
    occ = occupations()
    found: dict[str, Occupation] = {}
    for value, start, end in occ.index.scan(text, split_parts=False):
        if end - start > 3:
            found.setdefault(str(value), occ.by_title[str(value)])
    return list(found.values())
