"""BM25 keyword index: the tokenizer keeps what identifies a problem, and rare shared words outweigh common ones."""

from __future__ import annotations

import math

from knowledge_base.keyword_index import BM25Index, tokenize


def test_tokens_fold_plurals_split_hyphens_and_drop_numbers_and_stopwords() -> None:
    assert tokenize("Assign the Subcarriers to 4 users; SINR >= 6 dB, max-min fairness, 0.25 mW at Tx2") == [
        "assign",
        "subcarrier",
        "user",
        "sinr",
        "db",
        "max",
        "min",
        "fairness",
        "mw",
        "tx2",
    ]
    assert tokenize("capacities") == tokenize("capacity") == ["capacity"]
    assert tokenize("5G and 3GPP") == ["5g", "3gpp"]


def test_a_word_only_one_document_has_outweighs_words_every_document_has() -> None:
    index = BM25Index(
        [
            "allocate power to users to maximize the sum rate",
            "allocate power to users to maximize energy efficiency with the Dinkelbach method",
            "allocate bandwidth to users to maximize the minimum rate",
        ]
    )
    scores = index.scores("users power Dinkelbach")
    assert scores[1] > scores[0] > scores[2] > 0
    assert index.scores("penguins and weather") == [0.0, 0.0, 0.0]


def test_scores_follow_the_okapi_formula() -> None:
    # Two documents of 2 and 4 tokens; the query word is in the first only: df=1, N=2, avgdl=3.
    index = BM25Index(["knapsack slice", "slice admission revenue profit"], k1=1.2, b=0.75)
    idf = math.log(1 + (2 - 1 + 0.5) / (1 + 0.5))
    expected = idf * 1 * 2.2 / (1 + 1.2 * (1 - 0.75 + 0.75 * 2 / 3))
    assert math.isclose(index.scores("knapsack")[0], expected, rel_tol=1e-12)
    assert index.scores("knapsack")[1] == 0.0
