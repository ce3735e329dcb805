"""Okapi BM25 text relevance of postings to a query, as a second opinion next to the explainable match score.

BM25 rather than plain term counts: it rewards repeated mentions with diminishing returns (k1) and does not
let long, keyword-stuffed descriptions win just by being long (b), which is what job adverts need.
"""

from __future__ import annotations

import math
import re

from jobagent.text import count_word

K1 = 1.5
B = 0.75

# Small on purpose: a big list starts dropping words that matter in job titles ("it", "us", "lead").
STOPWORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in", "is", "of", "on",
    "or", "our", "that", "the", "their", "this", "to", "was", "we", "will", "with", "you", "your",
})

# Dots only between letters/digits ("node.js", "asp.net") so a sentence-ending "python." stays "python";
# a leading dot only at a word start (".net"); trailing +/# for "c++" and "c#".
# Letters and digits of any script: an ASCII-only class scored "Программист" and "für" as nothing.
_TOKEN = re.compile(r"(?:(?<!\S)\.)?[^\W_]+(?:\.[^\W_]+)*[+#]*")


def tokenize(text: str) -> list[str]:
    """Lowercased terms without stopwords; the same rules for queries and documents so they meet."""
    return [t for t in _TOKEN.findall(text.lower()) if t not in STOPWORDS]


def _query_tokens(query_terms: list[str]) -> list[str]:
    """Each distinct query term once: typing "python python" should not double its weight."""
    seen: dict[str, None] = {}
    for term in query_terms:
        for token in tokenize(term):
            seen.setdefault(token, None)
    return list(seen)


def bm25_scores(query_terms: list[str], documents: list[str]) -> list[float]:
    """Raw BM25 per document, in input order; 0.0 for every document when no query term survives tokenizing."""
    if not documents:
        return []
    terms = _query_tokens(query_terms)
    if not terms:
        return [0.0] * len(documents)

    # Only the query terms are counted (str.find jumps between candidates) and the length is a C-level
    # split: tokenizing every description with a regex cost more than everything else in matching
    # (benchmarks/bench_matching.py). Lengths therefore include stopwords, for every document alike.
    lengths: list[int] = []
    freqs: list[list[int]] = []
    doc_freq = [0] * len(terms)
    for doc in documents:
        lowered = doc.lower()
        lengths.append(len(lowered.split()))
        row = [count_word(lowered, t) for t in terms]
        for i, f in enumerate(row):
            if f:
                doc_freq[i] += 1
        freqs.append(row)

    n = len(documents)
    avgdl = sum(lengths) / n
    if avgdl == 0:
        return [0.0] * n
    # The "+1" (Lucene's form) keeps idf positive: classic Okapi idf turns negative for a term in more than
    # half the documents, which would rank a posting lower for mentioning what was searched for.
    idf = [math.log((n - df + 0.5) / (df + 0.5) + 1.0) for df in doc_freq]

    scores: list[float] = []
    for row, length in zip(freqs, lengths, strict=True):
        norm = K1 * (1.0 - B + B * length / avgdl)
        score = 0.0
        for i, f in enumerate(row):
            if f:
                score += idf[i] * f * (K1 + 1.0) / (f + norm)
        scores.append(score)
    return scores


def normalized_relevance(query_terms: list[str], documents: list[str]) -> list[float]:
    """Scores in 0..1 relative to the best document, so they can be mixed with other 0..1 signals; raw BM25
    has no fixed scale. All zeros when nothing matches, rather than dividing by zero."""
    scores = bm25_scores(query_terms, documents)
    top = max(scores, default=0.0)
    if top <= 0:
        return [0.0] * len(scores)
    return [s / top for s in scores]
