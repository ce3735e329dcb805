"""Company notes built only from what the postings themselves say.

There is no web lookup here on purpose: every line must be traceable to a posting we hold, so the notes
(and the cover letter that may draw on them) never state something the user cannot verify.
"""

from __future__ import annotations

import re

from jobagent.postings.schema import PostingData
from jobagent.text import has_word, normalize

_MAX_QUOTE_CHARS = 400
_MAX_TITLES = 8


def _same_company(a: str, b: str) -> bool:
    return normalize(a) == normalize(b)


def _sentences(text: str) -> list[str]:
    flat = " ".join(text.split())
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])", flat) if s.strip()]


def company_sentences(company: str, postings: list[PostingData], *, limit: int = 2) -> list[str]:
    """Description sentences that name the company: the company's own words about itself, verbatim."""
    found: list[str] = []
    used = 0
    for p in postings:
        if not _same_company(p.company, company):
            continue
        for sentence in _sentences(p.description):
            if not has_word(sentence, company) or sentence in found:
                continue
            if used + len(sentence) > _MAX_QUOTE_CHARS and found:
                return found
            if len(sentence) > _MAX_QUOTE_CHARS:
                sentence = sentence[: _MAX_QUOTE_CHARS - 1] + "…"
            found.append(sentence)
            used += len(sentence)
            if len(found) >= limit:
                return found
    return found


def company_notes(company: str, postings: list[PostingData]) -> str:
    """Markdown bullet notes on the company; only counts, titles, places and quotes from the postings."""
    roles = [p for p in postings if _same_company(p.company, company)]
    if not roles:
        return f"- No open roles at {company} among the postings found."
    n = len(roles)
    lines = [f"- {n} open role{'s' if n != 1 else ''} at {company} among the postings found."]
    titles = sorted({p.title for p in roles}, key=str.lower)
    shown = ", ".join(titles[:_MAX_TITLES])
    if len(titles) > _MAX_TITLES:
        shown += f" and {len(titles) - _MAX_TITLES} more"
    lines.append(f"- Titles: {shown}.")
    locations = sorted({p.location for p in roles if p.location}, key=str.lower)
    if locations:
        lines.append(f"- Locations: {', '.join(locations)}.")
    remote = sum(1 for p in roles if p.remote)
    lines.append(f"- Remote: {remote} of {n} role{'s' if n != 1 else ''}.")
    types = sorted({p.employment_type for p in roles if p.employment_type}, key=str.lower)
    if types:
        lines.append(f"- Employment types: {', '.join(types)}.")
    for label, field in (("About (from the source)", "company_description"), ("Industry", "company_industry"),
                         ("Size", "company_size"), ("Website", "company_url")):
        value = next((getattr(p, field) for p in roles if getattr(p, field)), None)
        if value:
            lines.append(f"- {label}: {' '.join(str(value).split())[:400]}")
    for sentence in company_sentences(company, roles):
        lines.append(f'- From a posting: "{sentence}"')
    return "\n".join(lines)


def website_excerpt(html: bytes, limit: int = 600) -> str:
    """The first words of a company's own page, quoted as they are: a user judges them, we do not summarise."""
    from jobagent.text import html_to_text

    text = " ".join(html_to_text(html.decode("utf-8", errors="replace")).split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"
