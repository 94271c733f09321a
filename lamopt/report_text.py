"""Render a run's report for people (Markdown); for scripts, lamopt.api.RunRecord.fields is the JSON record."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from agents.state import Decision, Report
from tools.redact import redact


def report_markdown(report: Report, history: list[Decision], thread_id: str, *, for_chat: bool = False) -> str:
    """The report as Markdown with LaTeX math. `for_chat` leaves out what the chat page shows on its own
    (the agents' steps, the figures as images)."""
    lines = [f"# lamopt report ({thread_id})", "", f"**Status:** {report['status']}. {report['summary']}"]
    if report.get("asked"):
        lines.append(f"**Asked:** {report['asked']}")
    if report["objective"] is not None:
        lines.append(f"**Objective:** {report['objective']:g}")
        answer = report.get("answer")
        if answer and (answer["value"] != report["objective"] or answer["unit"]):
            lines.append(f"**Answer:** {answer['value']:g} {answer['unit']}".rstrip())
    lines.append(f"**Solver:** {report['solver'] or '-'}; **iterations:** {report['iterations']}")
    formulation = report["formulation"]
    if formulation:
        lines += ["", f"## Formulation: {formulation['title']} ({formulation['class']})", "", "$$", formulation["math"], "$$", ""]
        for key, value in formulation["instance"].items():
            shown = "; ".join(map(_fmt, value)) if isinstance(value, list | tuple) else _fmt(value)
            lines.append(f"- {key}: {shown}")
    if report["solution"]:
        lines += ["", "## Solution", "", *_table(report["solution"])]
    if report["comparisons"]:
        lines += ["", "## Compared with baselines", "", *_table(report["comparisons"])]
    if report["figures"] and not for_chat:
        lines += ["", "## Figures", "", *(f"![{Path(f).stem}]({f})" for f in report["figures"])]
    if report["diagnosis"]:
        lines += ["", "## Diagnosis", "", report["diagnosis"]]
    coverage = [
        {"requirement": c["clause"], "status": c["status"], "modelled by": c["by"] or "-", "why": c["reason"]}
        for c in report.get("coverage", [])
    ]
    if coverage:
        lines += ["", "## Requirements of the text and what models them", "", *_table(coverage)]
    dropped = [f"- {d['template_id']}: {d['reason']}" for d in report.get("dropped", [])]
    if dropped:
        lines += ["", "## Templates passed over", "", *dropped]
    if report["warnings"]:
        lines += ["", "## Warnings", "", *(f"- {w}" for w in report["warnings"])]
    if not for_chat:
        lines += ["", "## What the agents did", ""]
        lines += [f"{i}. **{d['agent']}**: {d['decision']} — {d['reason']}" for i, d in enumerate(history, 1)]
    return str(redact("\n".join(lines) + "\n"))


def _table(rows: list[dict[str, Any]]) -> list[str]:
    columns = list(dict.fromkeys(k for row in rows for k in row))
    out = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in rows:
        out.append("| " + " | ".join(_fmt(row.get(c)) for c in columns) + " |")
    return out


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    return f"{value:g}" if isinstance(value, float) else str(value)
