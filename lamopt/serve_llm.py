"""`lamopt serve-llm`: start vLLM from its own environment with the flags lamopt needs, and wait until it answers.

vLLM pins its own torch and transformers, so it cannot live in lamopt's environment (ENVIRONMENT.md):
install it in a separate venv and point `--vllm` (or LAMOPT_VLLM_BIN) at that venv's `vllm` executable.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from agents.backbone import LLMUnavailable, wait_until_ready


def vllm_command(vllm: str, model: str, port: int, tool_call_parser: str, reasoning_parser: str = "") -> list[str]:
    """The vLLM command line: OpenAI API on loopback, tool calling on, structured output via response_format."""
    command = [
        vllm,
        "serve",
        model,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--enable-auto-tool-choice",
        "--tool-call-parser",
        tool_call_parser,
    ]
    if reasoning_parser:
        command += ["--reasoning-parser", reasoning_parser]
    return command


def serve_vllm(model: str, port: int, vllm: str, tool_call_parser: str, reasoning_parser: str, timeout_s: float) -> str:
    """Start vLLM, wait until it lists its models, then keep it in the foreground until it exits or Ctrl-C."""
    executable = shutil.which(vllm) or (vllm if Path(vllm).is_file() else None)
    if executable is None:
        raise LLMUnavailable(
            f"vLLM executable {vllm!r} not found. Install vLLM in its own environment "
            "(python -m venv ~/.venvs/vllm && ~/.venvs/vllm/bin/pip install vllm) and pass --vllm ~/.venvs/vllm/bin/vllm"
        )
    url = f"http://127.0.0.1:{port}/v1"
    process = subprocess.Popen(vllm_command(executable, model, port, tool_call_parser, reasoning_parser))
    try:
        wait_until_ready(url, timeout_s, process)
    except LLMUnavailable:
        process.terminate()
        raise
    print(f"vLLM is serving {model} at {url} (Ctrl-C stops it)", flush=True)
    try:
        process.wait()
    except KeyboardInterrupt:
        process.terminate()
        process.wait(timeout=30)
    return url
