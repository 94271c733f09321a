"""What the MEC offloading templates share: the task table (data, CPU cycles, uplink rate), the CPU speeds of the
device and of the edge server, and the edge server's cycle budget."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from knowledge_base.template import AssemblyError, SpecItem
from knowledge_base.templates._stated_quantities import quantity_schema, read_quantity, read_series, series_schema
from tools.textdata import TextData

CYCLE_UNITS = ["Gcycle", "Mcycle", "kcycle", "cycle"]
FREQUENCY_UNITS = ["GHz", "MHz"]
EDGE_CAPACITY: dict[str, Any] = {
    "type": "object",
    "description": "total cycles the edge server can process; value null if unlimited",
    "properties": {"value": {"type": ["number", "null"]}, "unit": {"enum": CYCLE_UNITS}},
    "required": ["value", "unit"],
}
LOCAL_CPU = quantity_schema("device CPU frequency", FREQUENCY_UNITS)
EDGE_CPU = quantity_schema("edge CPU frequency for one task", FREQUENCY_UNITS)


class OffloadedTasks(BaseModel):
    """The tasks and the two CPUs, as both templates' parameters have them."""

    tasks: list[str] = Field(min_length=1)
    data_mbit: dict[str, float] = Field(description="input data uploaded when offloaded", json_schema_extra={"unit": "Mbit"})
    cycles_g: dict[str, float] = Field(description="computation of the task", json_schema_extra={"unit": "Gcycle"})
    uplink_mbps: dict[str, float] = Field(json_schema_extra={"unit": "Mbit/s"})
    local_cpu_ghz: float = Field(gt=0, json_schema_extra={"unit": "GHz"})
    edge_cpu_ghz: float = Field(gt=0, description="edge CPU speed given to one task", json_schema_extra={"unit": "GHz"})

    def task_columns(self) -> tuple[tuple[str, dict[str, float]], ...]:
        return (("data", self.data_mbit), ("cycles", self.cycles_g), ("uplink rate", self.uplink_mbps))


def task_fields(data: TextData) -> dict[str, Any]:
    """Binding fields of the task table: where each task's data size, CPU cycles and uplink rate are."""
    if not data.tables and not data.lists:
        raise AssemblyError("this template needs a table (or lists) of the tasks' data sizes, CPU cycles and uplink rates")
    return {
        "data_size": series_schema("each task's input data", ["Mbit", "kbit", "bit", "MB", "kB"], data),
        "cpu_cycles": series_schema("each task's required CPU cycles", CYCLE_UNITS, data),
        "uplink_rate": series_schema("each device's uplink rate", ["Mbit/s", "kbit/s", "bit/s"], data),
    }


def read_tasks(binding: dict[str, Any], data: TextData, spec: list[SpecItem]) -> dict[str, Any]:
    """The task table and the edge's cycle budget (None when unlimited) as parameter values."""
    cycles = read_series(binding.get("cpu_cycles"), "Gcycle", "CPU cycles", data, spec)
    assert cycles is not None  # not optional
    capacity_entry = binding.get("edge_capacity")
    capacity = None
    if isinstance(capacity_entry, dict) and capacity_entry.get("value") is not None:
        capacity = read_quantity(capacity_entry, "Gcycle", "edge capacity", spec)
    return {
        "tasks": list(cycles),
        "cycles_g": cycles,
        "edge_capacity_g": capacity,
        "data_mbit": read_series(binding.get("data_size"), "Mbit", "data size", data, spec),
        "uplink_mbps": read_series(binding.get("uplink_rate"), "Mbit/s", "uplink rate", data, spec),
    }


def read_cpu(binding: dict[str, Any], which: str, spec: list[SpecItem]) -> float:
    """The device's ("local") or the edge server's ("edge") CPU frequency in GHz."""
    name = "device CPU frequency" if which == "local" else "edge CPU frequency"
    return read_quantity(binding.get(f"{which}_cpu_frequency"), "GHz", name, spec)
