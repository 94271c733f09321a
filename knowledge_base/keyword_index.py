"""Keyword retrieval over the template documents: Okapi BM25, in memory.

Our own small implementation rather than a package (e.g. bm25s): the corpus is a few dozen templates, so
speed structures (sparse matrices, memory-mapped indexes) buy nothing, and owning the tokenizer matters
more. Problem texts carry acronyms and units (SINR, dBm, ISL, MEC, UAV), hyphenated terms (max-min,
resource-block, cell-free) and many table numbers and labels (0.8, U1, Tx2); the tokenizer keeps the
words, splits hyphens, drops bare numbers and common English words, and folds plurals, so "subcarriers"
matches "subcarrier". BM25's idf makes a word that only one template uses (Dinkelbach, knapsack,
beampattern) count for much more than one every template uses (user, power), which is what dense
embeddings of a 6-layer model blur.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

_WORD = re.compile(r"[a-z][a-z0-9]*|[0-9]+[a-z]+[a-z0-9]*")
"""A token starts with a letter (sinr, tx1, log2) or is a number glued to letters (5g, 3gpp); bare numbers are data."""

STOPWORDS = frozenset(
    """a about above after again all also an and any are as at be because been being below between both but by can
    could did do does doing down during each either every few for from further given had has have having here how if
    in into is it its itself just let may me might more most must my no nor not now of off on once only or other our
    out over own per same shall should so some such than that the their them then there these they this those
    through to too under until up upon us very via was we were what when where which while who whom why will with
    within without would you your i e g eg ie one two three four five six seven eight nine ten""".split()
)


def tokenize(text: str) -> list[str]:
    """Lower-case word tokens without stopwords or bare numbers, plurals folded to the singular."""
    return [_singular(word) for word in _WORD.findall(text.lower()) if word not in STOPWORDS]


def _singular(word: str) -> str:
    # A light plural fold, not a stemmer: full stemmers (Porter) merge "capacity"/"capacities" but also
    # "user"/"use"; plurals are where users and templates differ most.
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


class BM25Index:
    """Okapi BM25 (k1, b as in Robertson & Zaragoza) over a fixed list of documents."""

    def __init__(self, documents: Sequence[str], k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self._terms = [Counter(tokenize(doc)) for doc in documents]
        self._lengths = [sum(terms.values()) for terms in self._terms]
        self._mean_length = (sum(self._lengths) / len(self._lengths)) if self._lengths else 0.0
        frequency: Counter[str] = Counter()
        for terms in self._terms:
            frequency.update(terms.keys())
        n = len(documents)
        # The non-negative idf of Lucene: a word in every document still counts a little, never against.
        self._idf = {term: math.log(1.0 + (n - df + 0.5) / (df + 0.5)) for term, df in frequency.items()}

    def scores(self, query: str) -> list[float]:
        """One score per document, in document order; 0 where the query shares no word with the document."""
        query_terms = Counter(tokenize(query))
        result = []
        for terms, length in zip(self._terms, self._lengths, strict=True):
            norm = self.k1 * (1.0 - self.b + self.b * length / self._mean_length) if self._mean_length else self.k1
            score = 0.0
            for term, repeats in query_terms.items():
                tf = terms.get(term, 0)
                if tf:
                    # A word repeated in the query counts once per repeat, as if the query were a document.
                    score += repeats * self._idf[term] * tf * (self.k1 + 1.0) / (tf + norm)
            result.append(score)
        return result
