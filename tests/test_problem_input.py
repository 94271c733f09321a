"""Attached data files: parsed by code, rendered as tables the Modeler can point at, numbers counted as stated."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from langgraph.checkpoint.memory import InMemorySaver

from agents.context import Context
from lamopt.api import stream
from lamopt.problem_input import InputError, make_problem
from tests.conftest import leo_binding
from tests.fakes import ScriptedChatModel
from tools.textdata import parse_text


def test_json_and_csv_become_tables_and_their_numbers_count(tmp_path: Path) -> None:
    (tmp_path / "cap.json").write_text(json.dumps({"capacity": {"S1": {"cpu": 4, "memory": 16}, "S2": {"cpu": 3, "memory": 8}}}))
    (tmp_path / "rates.csv").write_text("user,Macro,Small\nU1,12,35\nU2,15,-\n")
    problem = make_problem("maximize the sum rate", [str(tmp_path / "cap.json"), str(tmp_path / "rates.csv")])
    tables = parse_text(problem["data_text"]).tables
    assert tables[0].as_matrix()["S2"] == {"cpu": 3.0, "memory": 8.0}
    assert tables[1].column("Small") == {"U1": 35.0, "U2": None}
    assert 16.0 in problem["data_numbers"] and 35.0 in problem["data_numbers"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.yaml", "key: [1, 2", "does not parse as YAML"),
        ("a.csv", "a,b\n1\n", "not a rectangular CSV"),
        ("a.txt", "hello", "unsupported type .txt"),
    ],
)
def test_bad_files_are_refused_with_the_reason(tmp_path: Path, name: str, content: str, message: str) -> None:
    (tmp_path / name).write_text(content)
    with pytest.raises(InputError, match=message):
        make_problem("minimize cost", [str(tmp_path / name)])
    with pytest.raises(InputError, match="does not exist"):
        make_problem("minimize cost", [str(tmp_path / "missing.json")])


def test_delay_table_from_an_attached_csv_is_solved(leo_text: str, kb_dir: Path, tmp_path: Path) -> None:
    start, end = leo_text.index("| from/to"), leo_text.index("\n\nApplication A")
    rows = [line.strip("| ").split(" | ") for line in leo_text[start:end].splitlines() if not line.startswith("|---")]
    (tmp_path / "delays.csv").write_text("\n".join(",".join(r) for r in rows) + "\n")
    text = leo_text[:start] + "The delay table is attached as delays.csv." + leo_text[end:]
    fake = ScriptedChatModel(script=[leo_binding()])
    context = Context(chat_model=fake, kb_path=str(kb_dir))
    steps = list(stream(text, [str(tmp_path / "delays.csv")], context=context, checkpointer=InMemorySaver()))
    assert "Data file delays.csv" in fake.user_texts()[0]
    assert steps[-1].data["report"]["objective"] == pytest.approx(10.5)
