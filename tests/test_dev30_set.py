"""The dev30 benchmark set (benchmarks/data/wireless_dev30.jsonl) and its independent references.

The set is data, but data that must hold: every record readable by `lamopt eval`, every family of the
knowledge base present, and every stored answer reproduced by benchmarks/data/wireless_dev30_reference.py
(two methods per case: enumeration or a closed form, and a second formulation, a grid or another solver;
none of the project's own code). The whole reference runs in a few seconds, so every case is checked here.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from benchmarks.data import wireless_dev30_reference as reference
from lamopt.evaluate import read_cases

DATASET = reference.DATASET
FIELDS = {"id", "family", "variant", "question", "answer", "status", "sense", "unit", "tolerance", "problem_class"}
FAMILIES = {
    "user_association", "leo_service_placement", "power_control_sinr", "channel_assignment", "bandwidth_allocation",
    "coverage_placement", "energy_efficiency", "mec_offloading", "network_flow", "slice_admission",
}  # fmt: skip
RECORDS = reference.records()
BY_ID = {record["id"]: record for record in RECORDS}


def test_every_line_is_a_json_record_with_the_fields() -> None:
    lines = [line for line in DATASET.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(lines) == len(RECORDS) >= 30
    for line in lines:
        record = json.loads(line)
        assert FIELDS <= set(record), f"{record.get('id')}: missing {FIELDS - set(record)}"
        assert record["family"] in FAMILIES
        assert record["sense"] in ("min", "max")
        assert record["problem_class"] in ("LP", "MILP", "NLP", "MINLP")
        assert record["variant"].strip() and record["unit"].strip()
        assert set(record["tolerance"]) == {"rel", "abs"} and 0 < record["tolerance"]["rel"] <= 1e-3


def test_ids_are_unique_and_every_family_has_three_or_more() -> None:
    ids = [record["id"] for record in RECORDS]
    assert len(ids) == len(set(ids))
    counts = Counter(record["family"] for record in RECORDS)
    assert set(counts) == FAMILIES
    assert min(counts.values()) >= 3, counts


def test_a_null_answer_goes_with_an_infeasible_status_and_a_reason() -> None:
    nulls = [record for record in RECORDS if record["answer"] is None]
    assert 2 <= len(nulls) <= 3
    for record in RECORDS:
        if record["answer"] is None:
            assert record["status"] == "infeasible" and record["note"].strip()
        else:
            assert record["status"] == "optimal" and isinstance(record["answer"], float)


def test_the_eval_harness_reads_the_set() -> None:
    cases = read_cases(DATASET)
    assert [case.id for case in cases] == [record["id"] for record in RECORDS]
    assert {case.family for case in cases} == FAMILIES
    assert sum(case.answer is None for case in cases) == sum(record["answer"] is None for record in RECORDS)


def test_every_record_has_a_reference_and_every_reference_a_record() -> None:
    assert set(reference.SOLVERS) == set(BY_ID) == set(reference.DATA)


def _numbers(value: Any) -> list[float]:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return []
    if isinstance(value, int | float):
        return [float(value)]
    items = value.values() if isinstance(value, dict) else value
    return [number for item in items for number in _numbers(item)]


@pytest.mark.parametrize("case_id", sorted(reference.DATA))
def test_the_reference_uses_only_numbers_the_question_states(case_id: str) -> None:
    stated = {abs(float(token)) for token in re.findall(r"\d+(?:\.\d+)?", BY_ID[case_id]["question"])}
    unstated = {abs(number) for number in _numbers(reference.DATA[case_id])} - stated - {0.0, 1.0}
    assert not unstated, f"{case_id}: the reference uses {sorted(unstated)}, which the question does not state"


@pytest.mark.parametrize("case_id", sorted(BY_ID))
def test_every_reference_method_reproduces_the_stored_answer(case_id: str) -> None:
    outcome = reference.check(BY_ID[case_id])
    assert len(outcome.methods) >= 2, f"{case_id}: one method only"
    assert outcome.agree, f"{case_id}: stored {outcome.stored}, reference {outcome.methods}"


def test_the_check_command_fails_on_a_wrong_stored_answer(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert reference.main(["--check", "--ids", "dev30-nf-01", "dev30-sl-04"]) == 0
    tampered = [dict(record) for record in RECORDS]
    for record in tampered:
        if record["id"] == "dev30-nf-01":
            record["answer"] *= 1.01  # a 1 % error, ten times the tolerance
        if record["id"] == "dev30-sl-04":
            record["answer"] = 180.0  # the number a reader who skips the reserved PRBs would give
    path = tmp_path / "tampered.jsonl"
    path.write_text("\n".join(json.dumps(record) for record in tampered) + "\n", encoding="utf-8")
    assert reference.main(["--check", "--data", str(path), "--ids", "dev30-nf-01", "dev30-sl-04"]) == 1
    out = capsys.readouterr().out
    assert "0/2 agree" in out
