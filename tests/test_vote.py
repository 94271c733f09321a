"""The vote over candidate formulations: majority, low confidence, ties, and a lone verified candidate."""

from __future__ import annotations

from lamopt.vote import vote


def test_the_majority_value_is_the_answer_and_the_vote_reads_as_counts() -> None:
    result = vote([181.0, 181.0000001, 198.0, 181.0, 181.0])
    assert result.answer == 181.0 and result.winners == [0, 1, 3, 4]
    assert result.describe() == "4 of 5 candidates: 181; 1: 198"
    assert not result.low_confidence


def test_a_narrow_majority_is_low_confidence() -> None:
    result = vote([10.0, 10.0, 12.0, 11.0, None])
    assert result.answer == 10.0 and result.low_confidence
    assert result.describe() == "2 of 5 candidates: 10; 1: 12; 1: 11; 1 not verified (low confidence)"


def test_a_tie_gives_no_verified_answer() -> None:
    result = vote([3.0, 4.0, None])
    assert result.tie and result.answer is None and result.winners == []
    assert result.describe().endswith("(a tie: no verified answer)")


def test_a_single_verified_candidate_stands_alone() -> None:
    result = vote([None, 7.5, None])
    assert result.answer == 7.5 and result.winners == [1] and result.low_confidence
    assert vote([None, None]).answer is None and vote([None, None]).describe() == "0 of 2 candidates verified"
