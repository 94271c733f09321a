"""`lamopt run --engine ray`: a local 2-worker Ray gives the threaded engine's records, holds the LLM cap across its
workers, and a SIGKILLed driver followed by a rerun leaves one record per case and no Ray process behind.

The LLM here is a real OpenAI-compatible HTTP endpoint on loopback (tests/test_runs.py), so requests from every
worker process arrive at one place that counts them.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import ray

from lamopt.ray_engine import _LocalRay
from lamopt.runs import read_records, run_batch
from tests.conftest import EXAMPLE, ROOT
from tests.test_runs import _CountingOpenAIServer, _write_batch

pytestmark = pytest.mark.integration  # a local Ray: its daemons and cold workers take minutes on two cores

SAME_IN_BOTH = ("status", "objective", "solver", "template", "iterations", "path", "history", "prompts", "tokens",
                "reviews_approved", "diagnosis", "warnings", "settings", "error")  # fmt: skip
"""Everything in a record but its thread id and its clock times."""


def _timeless(record: dict[str, Any]) -> dict[str, Any]:
    """The record's SAME_IN_BOTH parts, its history without when each step was decided."""
    same = {k: record.get(k) for k in SAME_IN_BOTH}
    same["history"] = [{k: v for k, v in entry.items() if k != "at"} for entry in same["history"] or []]
    return same


def _cases() -> list[dict[str, Any]]:
    leo = EXAMPLE.read_text()
    tiny = leo.replace("S1 4, S2 3, S3 3, S4 4, S5 3, S6 3", "S1 2, S2 2, S3 2, S4 2, S5 2, S6 2")
    return [
        {"id": "leo", "text": leo},
        {"id": "leo-reviewed", "text": leo, "settings": {"review_points": ["after_modeling", "before_solving"]}},
        {"id": "tiny", "text": tiny},
        {"id": "missing-data", "text": leo, "data": ["nowhere.csv"]},
    ]


def test_a_ray_batch_gives_the_threaded_records_and_holds_the_llm_cap_across_workers(tmp_path: Path, kb_dir: Path) -> None:
    server = _CountingOpenAIServer()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = {"llm_backend": "vllm", "llm_url": f"http://127.0.0.1:{server.server_address[1]}/v1", "llm_model": "m",
            "kb_path": str(kb_dir)}  # fmt: skip
    batch = _write_batch(tmp_path, _cases())
    threads = run_batch(batch, tmp_path / "threads.jsonl", jobs=2, llm_slots=1, base_settings=base, progress=False)
    assert threads.ran == 4
    local = _LocalRay.start()
    try:
        assert ray.cluster_resources()["CPU"] == os.cpu_count()  # one worker per core: 2 on this machine
        server.peak = 0
        on_ray = run_batch(batch, tmp_path / "ray.jsonl", jobs=4, llm_slots=1, base_settings=base, progress=False, engine="ray")
        capped = server.peak
        # The same cases again with two LLM slots: the workers do overlap their requests when the cap lets them. The
        # server holds the first request until a second comes (at most gather_s), so a worker that starts late on a
        # loaded machine still meets the other; under a cap of one that second request could never come.
        server.peak = 0
        server.gather = 2
        again = run_batch(batch, tmp_path / "ray2.jsonl", jobs=4, llm_slots=2, base_settings=base, progress=False, engine="ray")
        uncapped = server.peak
    finally:
        ray.shutdown()
        local.stop()
        server.shutdown()
    assert (on_ray.ran, on_ray.skipped, on_ray.unfinished) == (4, 0, []) and again.ran == 4
    assert (capped, uncapped) == (1, 2)
    by_threads = {r["case"]: r for r in read_records(tmp_path / "threads.jsonl")}
    by_ray = {r["case"]: r for r in read_records(tmp_path / "ray.jsonl")}
    assert sorted(by_ray) == sorted(by_threads) == ["leo", "leo-reviewed", "missing-data", "tiny"]
    for case, record in by_threads.items():
        assert _timeless(record) == _timeless(by_ray[case]), case
    assert by_ray["leo"]["objective"] == pytest.approx(10.5) and by_ray["tiny"]["status"] == "infeasible"
    assert by_ray["leo-reviewed"]["reviews_approved"] == ["after_modeling", "before_solving"]
    assert by_ray["missing-data"]["status"] == "bad_input"


def _left_behind(marker: str) -> list[str]:
    """Processes started under the driver's private TMPDIR (Ray daemons and workers inherit it), still running."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if f"TMPDIR={marker}".encode() in (entry / "environ").read_bytes().split(b"\0"):
                stat = (entry / "stat").read_text()
                if stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X"):
                    found.append(f"{entry.name} {stat.split(')')[0]})")
        except OSError:
            continue
    return found


def _gone(marker: str, within_s: float) -> list[str]:
    deadline = time.monotonic() + within_s
    while (left := _left_behind(marker)) and time.monotonic() < deadline:
        time.sleep(0.5)
    return left


def test_a_ray_batch_killed_mid_way_and_restarted_has_one_record_per_case_and_leaves_no_ray_behind(
    tmp_path: Path, kb_dir: Path
) -> None:
    ids = [f"leo-{i}" for i in range(6)]
    batch = _write_batch(tmp_path, [{"id": i, "text": EXAMPLE.read_text()} for i in ids])
    results = tmp_path / "results.jsonl"
    private = tempfile.mkdtemp(prefix="lr", dir="/tmp")  # short: Ray's socket paths are built under it
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": private}
    command = [sys.executable, "-m", "tests.drivers.batch_fake", str(batch), str(results), str(kb_dir)]
    try:
        first = subprocess.Popen([*command, "2", "ray"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and first.poll() is None:
            if results.exists() and results.read_text().count("\n") >= 2:
                break
            time.sleep(0.1)
        assert first.poll() is None, first.stderr.read().decode() if first.stderr else ""
        assert _left_behind(private), "the driver should have a local Ray running"
        first.send_signal(signal.SIGKILL)
        first.wait()
        assert _gone(private, within_s=30) == []  # the reaper took Ray's daemons and workers down
        assert list(Path(private).iterdir()) == []  # and removed Ray's temp folder
        before = read_records(results)
        assert 2 <= len(before) < len(ids), "the kill should land mid-way"
        second = subprocess.run([*command, "0", "ray"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
        assert second.returncode == 0, second.stderr
        assert f"skipped {len(before)}" in second.stdout
        after = read_records(results)
        assert sorted(r["case"] for r in after) == ids  # each case once: none lost, none duplicated
        assert after[: len(before)] == before
        assert all(r["status"] == "optimal" for r in after)
        assert _gone(private, within_s=30) == []
    finally:
        for line in _left_behind(private):
            os.kill(int(line.split()[0]), signal.SIGKILL)  # never leave a Ray of this test running
        shutil.rmtree(private, ignore_errors=True)
