"""Bad input wherever it enters the command line: exit 2 with a sentence, no traceback, within seconds.

Each case calls `lamopt.cli.main(argv)` in this process; none of them reaches an LLM (the input is refused
first). Internal errors get their own exit code, a one-line message and a log file with the traceback.
"""

from __future__ import annotations

import io
import os
import time
from pathlib import Path
from typing import Any

import pytest

from lamopt import cli
from lamopt.problem_input import MAX_DATA_FILE_BYTES, MAX_TEXT_BYTES
from lamopt.runs import MAX_BATCH_BYTES

YAML_BOMB = (
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
    "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
    "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\ni: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n"
)
PROBLEM = "Place the microservices on the satellites to minimize the average latency."


@pytest.fixture(autouse=True)
def private_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LAMOPT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("LAMOPT_CHECKPOINTS", str(tmp_path / "ck.sqlite"))
    monkeypatch.setenv("LAMOPT_LLM_URL", "http://127.0.0.1:9/v1")  # were anything to reach an LLM, it would fail fast
    monkeypatch.chdir(tmp_path)


def refused(argv: list[str], capsys: pytest.CaptureFixture[str], *expected: str) -> str:
    started = time.monotonic()
    code = cli.main(argv)
    elapsed = time.monotonic() - started
    err = capsys.readouterr().err
    assert code == cli.EXIT_BAD_INPUT, err
    assert "Traceback" not in err and err.startswith("lamopt: "), err
    for part in expected:
        assert part in err, err
    assert elapsed < 20, f"took {elapsed:.1f} s"
    return err


class _Stdin:
    def __init__(self, data: bytes) -> None:
        self.buffer = io.BytesIO(data)


def test_binary_problem_text_is_refused_wherever_it_comes_from(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # As an argument: undecodable bytes arrive as surrogates (Python's surrogateescape).
    refused(["solve", "minimize \udcff\udcfe cost"], capsys, "looks like binary data", "not UTF-8")
    refused(["solve", "minimize\x00cost"], capsys, "looks like binary data")
    monkeypatch.setattr("sys.stdin", _Stdin(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))
    refused(["solve", "-"], capsys, "standard input", "binary")
    monkeypatch.setattr("sys.stdin", _Stdin(b"caf\xe9 problem"))
    refused(["solve", "-"], capsys, "standard input is not UTF-8 text")
    monkeypatch.setattr("sys.stdin", _Stdin(b"x" * (MAX_TEXT_BYTES + 1)))
    refused(["solve", "-"], capsys, f"more than {MAX_TEXT_BYTES} bytes")
    binary = tmp_path / "problem.txt"
    binary.write_bytes(bytes(range(256)))
    refused(["solve", f"@{binary}"], capsys, "binary")


def test_problem_files_that_are_not_regular_files_are_refused_without_reading_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    refused(["solve", "@/dev/zero"], capsys, "is not a regular file")  # an endless device: never read
    refused(["solve", f"@{tmp_path}"], capsys, "is a directory")
    refused(["solve", f"@{tmp_path / 'missing.txt'}"], capsys, "does not exist")
    fifo = tmp_path / "fifo.txt"
    os.mkfifo(fifo)  # nobody writes: a blocking open would hang forever
    refused(["solve", f"@{fifo}"], capsys, "is not a regular file")
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:
        handle.truncate(MAX_TEXT_BYTES + 10)
    refused(["solve", f"@{big}"], capsys, "larger than the limit")


def test_bad_data_files_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def data(name: str, content: str | bytes) -> str:
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
        return str(path)

    huge = tmp_path / "huge.csv"
    with huge.open("wb") as handle:
        handle.truncate(200 << 20)  # 200 MB, sparse: costs no disk, and is never read whole
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    (tmp_path / "folder.json").mkdir()
    cases: dict[str, tuple[str, ...]] = {
        data("deep.json", "[" * 200_000 + "]" * 200_000): ("nested more than",),
        data("deep.yaml", "a:\n" + "".join("  " * i + "- \n" for i in range(1, 60))): ("nested more than",),
        data("bomb.yaml", YAML_BOMB): ("aliases", "not accepted"),
        str(huge): ("larger than the limit of 5 MiB",),
        str(fifo): ("is not a regular file",),
        str(tmp_path / "folder.json"): ("is a directory",),
        data("picture.csv", b"\x89PNG\r\n\x1a\n\x00\x00"): ("binary",),
        data("latin1.csv", b"name,caf\xe9\n1,2\n"): ("is not UTF-8 text",),
        data("broken.json", '{"a": [1, 2'): ("does not parse as JSON",),
    }
    assert MAX_DATA_FILE_BYTES == 5 << 20
    for path, expected in cases.items():
        refused(["solve", PROBLEM, "--data", path], capsys, *expected)


def test_bad_batch_files_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(YAML_BOMB)
    refused(["run", str(bomb)], capsys, "aliases")
    deep = tmp_path / "deep.jsonl"
    deep.write_text('{"text": "x"}\n' + "[" * 100_000 + "\n")
    refused(["run", str(deep)], capsys, "line 2", "nested more than")
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"- text: \x00\x01\x02")
    refused(["run", str(binary)], capsys, "binary")
    big = tmp_path / "big.jsonl"
    with big.open("wb") as handle:
        handle.truncate(MAX_BATCH_BYTES + 1)
    refused(["run", str(big)], capsys, "larger than the limit")
    text_file = tmp_path / "problem.txt"
    text_file.write_bytes(b"\xff\xfe\x00\x00")
    with_binary_text = tmp_path / "cases.yaml"
    with_binary_text.write_text(f"- text_file: {text_file.name}\n")
    refused(["run", str(with_binary_text)], capsys, "case 1: text_file", "binary")
    refused(["run", str(tmp_path)], capsys, "use .yaml, .yml or .jsonl")


def test_an_internal_error_has_its_own_exit_code_a_short_message_and_a_redacted_log(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    canary = "sk-canary-internal-7d1e"
    monkeypatch.setenv("OPENAI_API_KEY", canary)

    def broken(args: Any) -> int:
        raise KeyError(f"a bug that quotes the key {canary}")

    monkeypatch.setattr(cli, "_doctor", broken)
    code = cli.main(["doctor"])
    err = capsys.readouterr().err
    assert code == cli.EXIT_INTERNAL == 4
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert err.startswith("lamopt: internal error (KeyError)") and canary not in err
    log = Path(err.rsplit("the details are in ", 1)[1].strip())
    assert log.is_file() and log.is_relative_to(tmp_path / "cache" / "logs")
    written = log.read_text()
    assert "Traceback" in written and "a bug that quotes the key [redacted]" in written and canary not in written


def test_exit_codes_in_the_readme_match_the_code() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    for code, meaning in ((cli.EXIT_BAD_INPUT, "bad input"), (cli.EXIT_INTERNAL, "internal error")):
        assert f"{code} {meaning}" in readme


def test_a_chat_upload_past_the_limit_or_binary_is_refused_in_words(tmp_path: Path) -> None:
    from agents.context import Context
    from lamopt.chat import ChatApp
    from lamopt.checkpoints import sqlite_saver

    app = ChatApp(lambda: Context(), sqlite_saver(tmp_path / "ck.sqlite"), tmp_path / "runs")
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as handle:
        handle.truncate(MAX_DATA_FILE_BYTES + 1)
    picture = tmp_path / "picture.json"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    for upload, why in ((huge, "larger than the limit"), (picture, "binary")):
        shown = list(app.send(PROBLEM, [str(upload)], None, []))[-1][0]
        note = shown[-1]["content"]
        assert note.startswith("Cannot work on this:") and why in note, note
    assert not any(p.stat().st_size > MAX_DATA_FILE_BYTES for p in (tmp_path / "runs").rglob("*") if p.is_file())


def test_the_chat_page_is_not_served_beyond_loopback_while_generated_code_would_run_unisolated(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tools.solvers.sandbox import isolation

    monkeypatch.setattr(isolation, "isolation_status", lambda: (False, "bubblewrap (bwrap) is not installed"))
    monkeypatch.setenv(isolation.OVERRIDE_ENV, "1")
    refused(["chat", "--host", "0.0.0.0", "--port", "0"], capsys, "refusing to serve on 0.0.0.0", isolation.OVERRIDE_ENV)
