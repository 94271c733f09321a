"""No API key or token at rest: every file a run writes (batch record, report, checkpoint, logs) is grepped for them.

The key comes in three ways: an environment variable, a setting passed in code, and pasted into the problem
text itself (with a password in an endpoint URL); a scripted model plays the LLM, the rest is real.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from agents.context import Context
from lamopt.api import run_to_report, solve
from lamopt.checkpoints import sqlite_saver
from lamopt.report_text import report_markdown
from lamopt.runs import read_records, run_batch
from tests.conftest import EXAMPLE, leo_binding
from tests.fakes import ScriptedChatModel
from tools.redact import MASK, redact

ENV_KEY = "sk-envCanaryKeyQwErTy"
CODE_KEY = "sk-codeCanaryKeyAsDfGh"
URL_PASSWORD = "urlCanaryPassZxCv"
CHAT_TOKEN = "chatCanaryTokenPoIu"


@pytest.fixture
def secrets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setenv("OPENAI_API_KEY", ENV_KEY)
    monkeypatch.setenv("LAMOPT_CHAT_TOKEN", CHAT_TOKEN)
    monkeypatch.setenv("LAMOPT_CACHE_DIR", str(tmp_path / "cache"))
    return [ENV_KEY, CODE_KEY, URL_PASSWORD, CHAT_TOKEN]


def problem_with_secrets() -> str:
    return (
        EXAMPLE.read_text()
        + f"\nOur model server is https://ops:{URL_PASSWORD}@llm.internal/v1 with the key {CODE_KEY} and {ENV_KEY}."
    )


def written_files(root: Path) -> list[Path]:
    """Every file under root except the input the test wrote itself."""
    return [p for p in root.rglob("*") if p.is_file() and "input" not in p.relative_to(root).parts]


def assert_no_secret(root: Path, secrets: list[str]) -> int:
    files = written_files(root)
    for path in files:
        raw = path.read_bytes()
        for secret in secrets:
            assert secret.encode() not in raw, f"{secret} is in {path}"
    return len(files)


def test_a_batch_record_its_checkpoint_and_a_report_hold_no_key(tmp_path: Path, kb_dir: Path, secrets: list[str]) -> None:
    batch = tmp_path / "input" / "batch.yaml"
    batch.parent.mkdir()
    batch.write_text(yaml.safe_dump({"cases": [{"id": "leo", "text": problem_with_secrets()}]}))
    results = tmp_path / "out" / "results.jsonl"

    def make_context(settings: dict[str, Any]) -> Context:
        fake = ScriptedChatModel(script=[leo_binding(), leo_binding()])
        return Context(chat_model=fake, kb_path=str(kb_dir), llm_api_key=CODE_KEY, **settings)

    outcome = run_batch(batch, results, jobs=1, make_context=make_context, progress=False)
    record = read_records(results)[0]
    assert outcome.ran == 1 and record["status"] == "optimal"  # the run went through: its files are complete
    assert record["settings"]["llm_api_key"] == MASK
    assert (tmp_path / "out" / "results.checkpoints.sqlite").stat().st_size > 0

    # A single run as `lamopt solve` does it: checkpoint, then the report saved as Markdown and its JSON record.
    context = make_context({})
    saver = sqlite_saver(tmp_path / "solve" / "checkpoints.sqlite")
    run = run_to_report(problem_with_secrets(), context=context, thread_id="t1", checkpointer=saver)
    assert run.report is not None
    (tmp_path / "solve" / "report.md").write_text(report_markdown(run.report, run.history, "t1"))
    (tmp_path / "solve" / "report.json").write_text(json.dumps(run.fields(answer=True)))
    assert assert_no_secret(tmp_path, secrets) >= 4


def test_the_checkpoint_keeps_the_run_resumable_after_redaction(tmp_path: Path, kb_dir: Path, secrets: list[str]) -> None:
    context = Context(chat_model=ScriptedChatModel(script=[leo_binding(), leo_binding()]), kb_path=str(kb_dir))
    report = solve(problem_with_secrets(), context=context, checkpointer=sqlite_saver(tmp_path / "ck.sqlite"))
    assert report["status"] == "optimal"
    assert_no_secret(tmp_path, secrets)


def test_redact_masks_secret_fields_values_urls_and_bearer_tokens(secrets: list[str]) -> None:
    value = {
        "llm_api_key": "anything",
        "tokens": 120,
        "nested": [f"key {ENV_KEY}", ("Authorization: Bearer abcdefghijklmnop",)],
        "url": f"https://ops:{URL_PASSWORD}@host/v1",
    }
    assert redact(value) == {
        "llm_api_key": MASK,
        "tokens": 120,
        "nested": [f"key {MASK}", (f"Authorization: Bearer {MASK}",)],
        "url": f"https://{MASK}@host/v1",
    }
