"""Prompts, one file per agent task, loaded by name; every run records the hash of each prompt it used."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

_HERE = Path(__file__).parent


@dataclass(frozen=True)
class Prompt:
    name: str
    system: str
    user: str
    sha: str

    def render(self, **values: str) -> tuple[str, str]:
        return self.system.format(**values), self.user.format(**values)


@cache
def load(name: str) -> Prompt:
    """Load prompts/<name>.md: a '# system' section and a '# user' section with {placeholders}."""
    path = _HERE / f"{name}.md"
    if not path.exists():
        raise FileNotFoundError(f"no prompt named {name!r} in {_HERE}")
    text = path.read_text(encoding="utf-8")
    system, _, user = text.partition("\n# user\n")
    system = system.removeprefix("# system\n").strip()
    return Prompt(name=name, system=system, user=user.strip(), sha=hashlib.sha256(text.encode()).hexdigest()[:12])
