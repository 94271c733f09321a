"""The beamforming benchmark's GPU tier, run end to end on the CPU at toy sizes (`--device cpu`): its SDR data is
made on CPU worker processes and kept in a file (what a GPU machine without cvxpy is given), then the tier trains
cell-free and ISAC models, measures them and writes its JSON record with the device's name, with no cvxpy."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

TOY = [
    "--tier", "gpu", "--scenes", "2", "--timing-scenes", "1", "--wmmse-iter", "2", "--gammas", "10",
    "--isac-scenes", "2", "--isac-timing-batch", "2", "--refine-steps", "2", "--gpu-sdr-labels", "4",
    "--gpu-train-steps", "1", "--gpu-batch", "2", "--gpu-isac-steps", "1", "--gpu-isac-epochs", "1", "--workers", "2",
]  # fmt: skip


# Runs the script with `import cvxpy` failing, as on a GPU machine without it.
WITHOUT_CVXPY = (
    "import runpy, sys; sys.modules['cvxpy'] = None; sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')"
)


def _bench(args: list[str], without_cvxpy: bool = False) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    prefix = [sys.executable, "-c", WITHOUT_CVXPY] if without_cvxpy else [sys.executable]
    command = [*prefix, str(ROOT / "benchmarks" / "beamforming.py"), *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, timeout=1200)


def test_gpu_tier_code_path_completes_on_the_cpu_with_its_sdr_data_made_beforehand(tmp_path: Path) -> None:
    cache = tmp_path / "sdr.pt"
    prepared = _bench([*TOY, "--sdr-only", "--sdr-cache", str(cache), "--out", str(tmp_path)])
    assert prepared.returncode == 0, prepared.stderr[-3000:]
    assert cache.exists() and "on 2 CPU workers" in prepared.stdout
    run = _bench([*TOY, "--device", "cpu", "--sdr-cache", str(cache), "--out", str(tmp_path)], without_cvxpy=True)
    assert run.returncode == 0, run.stderr[-3000:]
    assert f"SDR data from {cache}" in run.stdout  # the prepared file, not a second solve
    record = json.loads((tmp_path / "beamforming_gpu.json").read_text())
    assert record["device"].startswith("cpu") and record["tier"] == "gpu"
    sizes = {row["size"] for row in record["cellfree"]}
    assert sizes == {"L=16 M=4 K=8", "L=32 M=4 K=16"}
    for row in record["cellfree"]:
        assert row["percent_of_best"] <= 100.0 + 1e-6 and row["feasible"] == 100.0, row
    wmmse = [row for row in record["cellfree"] if row["method"] == "WMMSE"]
    assert all(row["iterations_max"] <= 2 and row["converged"] is not None for row in wmmse)
    methods = {row["method"] for row in record["isac"]}
    assert {"SDR", "LAM-pretrained", "LAM-pretrained+refine", "LAM-random+refine→SDR"} <= methods
    assert {"LAM-pretrained ISAC", "LAM-random ISAC", "LAM-pretrained L=32 M=4 K=16"} <= set(record["train_s"])
    assert (tmp_path / "beamforming_gpu_isac_gamma10.png").exists()


def test_gpu_tier_says_what_it_needs_where_cuda_is_missing(tmp_path: Path) -> None:
    refused = _bench(["--tier", "gpu", "--out", str(tmp_path)])
    assert refused.returncode == 2 and "--sdr-only" in refused.stderr and "--device cpu" in refused.stderr
