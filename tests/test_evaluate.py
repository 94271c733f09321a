"""The accuracy harness: per-case records, summary, failure classes, ablations, the direct baseline, resume."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from agents.context import Context
from lamopt.evaluate import EvalInputError, evaluate, read_cases, summary_table
from tests.fakes import ScriptedChatModel
from tests.test_freeform import FARM, elements


def _cases(tmp_path: Path) -> Path:
    path = tmp_path / "bench.jsonl"
    records = [
        {"id": "farm-right", "question": FARM, "answer": 25000.0},
        {"id": "farm-mislabelled", "question": FARM, "answer": 26000.0, "tolerance": {"rel": 1e-6, "abs": 1e-6}},
    ]
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    return path


def test_each_case_is_recorded_and_summarised_and_a_rerun_skips_finished_cases(tmp_path: Path, kb_dir: Path) -> None:
    cases = read_cases(_cases(tmp_path))
    fake = ScriptedChatModel(script=[elements(), elements()])
    context = Context(chat_model=fake, kb_path=str(kb_dir), retrieval_threshold=0.99, freeform="whole")
    out = tmp_path / "out" / "bench-agents.jsonl"
    summary = evaluate(cases, "agents", context, out)
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in records] == ["farm-right", "farm-mislabelled"]
    assert [r["correct"] for r in records] == [True, False]
    assert records[1]["failure"] == "wrong model" and records[1]["objective"] == pytest.approx(25000.0)
    assert records[0]["path"][0] == "retriever" and records[0]["path"][-1] == "report"
    assert records[0]["tokens"] > 0 and records[0]["time_s"] > 0
    # where the time went: a step per agent decision, in the path's order, adding up to no more than the run
    steps = records[0]["step_s"]
    assert [agent for agent, _, _ in steps] == records[0]["path"]
    assert all(s >= 0 for _, s, _ in steps) and sum(s for _, s, _ in steps) <= records[0]["time_s"] + 0.5
    assert steps[0][2] == "retrieved templates" and steps[-1][2] == "report: optimal"
    assert summary["accuracy"] == 0.5 and summary["feasibility_rate"] == 1.0 and summary["failures"] == {"wrong model": 1}
    # The mislabelled case got a verified answer that does not match: the worst kind of failure, counted apart.
    assert summary["confidently_wrong"] == 0.5 and summary["no_answer"] == 0.0
    # Restarted: nothing is asked of the model again (its script is empty) and nothing is duplicated.
    again = evaluate(cases, "agents", Context(chat_model=ScriptedChatModel(), kb_path=str(kb_dir)), out)
    assert again == summary
    assert len(out.read_text().splitlines()) == 2
    assert "50.0%" in summary_table([summary]) and "conf.wrong" in summary_table([summary])


def test_a_direct_answer_that_is_wrong_is_confidently_wrong_and_no_number_is_no_answer(tmp_path: Path, kb_dir: Path) -> None:
    cases = read_cases(_cases(tmp_path))
    fake = ScriptedChatModel(script=[{"optimal_objective": 24000}, {"nothing": 1}, {"nothing": 1}, {"nothing": 1}])
    summary = evaluate(cases, "direct", Context(chat_model=fake, kb_path=str(kb_dir)), tmp_path / "d.jsonl")
    assert summary["accuracy"] == 0.0 and summary["confidently_wrong"] == 0.5 and summary["no_answer"] == 0.5


def test_a_case_cut_short_by_a_kill_is_run_again_without_corrupting_the_file(tmp_path: Path, kb_dir: Path) -> None:
    cases = read_cases(_cases(tmp_path))[:1]
    out = tmp_path / "bench-direct.jsonl"
    out.write_text('{"id": "farm-right", "mode": "dir')  # the process died while writing
    fake = ScriptedChatModel(script=[{"optimal_objective": 25000}])
    summary = evaluate(cases, "direct", Context(chat_model=fake, kb_path=str(kb_dir)), out)
    assert summary["cases"] == 1 and summary["accuracy"] == 1.0
    assert json.loads(out.read_text().splitlines()[-1])["path"] == ["llm"]


def test_the_no_verify_ablation_skips_the_verifier_checks(tmp_path: Path, kb_dir: Path) -> None:
    cases = read_cases(_cases(tmp_path))[:1]
    fake = ScriptedChatModel(script=[elements(domain="nonnegative real")])
    context = Context(chat_model=fake, kb_path=str(kb_dir), retrieval_threshold=0.99, freeform="whole")
    summary = evaluate(cases, "no-verify", context, tmp_path / "nv.jsonl")
    record = json.loads((tmp_path / "nv.jsonl").read_text())
    assert record["iterations"] == 0 and summary["cases"] == 1  # the continuous model was not sent back


def test_the_record_keeps_why_each_formulation_was_rejected(tmp_path: Path, kb_dir: Path) -> None:
    """What to fix is in the rejections, not only in the last diagnosis: the record keeps each one."""
    # the continuous first formulation is sent back for "how many plots" (whole units); "how many acres" asks for amounts
    cases = [replace(read_cases(_cases(tmp_path))[0], question=FARM.replace("How many acres of each", "How many plots of each"))]
    fake = ScriptedChatModel(script=[elements(domain="nonnegative real"), elements()])
    context = Context(chat_model=fake, kb_path=str(kb_dir), retrieval_threshold=0.99, freeform="whole")
    evaluate(cases, "agents", context, tmp_path / "a.jsonl")
    record = json.loads((tmp_path / "a.jsonl").read_text())
    assert record["correct"] and record["iterations"] == 1
    assert len(record["rejections"]) == 1 and record["rejections"][0], record
    assert record["binding"] == json.loads(json.dumps(elements()))  # the accepted formulation, for a post-mortem


def test_a_broken_benchmark_line_is_named(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "a", "question": "q", "answer": 1}\n{"id": "b"}\n')
    with pytest.raises(EvalInputError, match="line 2"):
        read_cases(path)
