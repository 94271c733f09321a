"""Helpers shared by the beamforming templates (not a template itself: no TEMPLATE here)."""

from __future__ import annotations

from typing import Any


def integer_field(description: str) -> dict[str, Any]:
    return {"type": "integer", "description": description}


def tool_rows(solution: dict[str, Any]) -> list[dict[str, Any]]:
    """The tool's comparison table (method, sum rate, ...) if it gave one."""
    rows = solution.get("comparison") or solution.get("methods") or []
    return [dict(r) for r in rows if isinstance(r, dict)]
