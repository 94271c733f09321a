"""lamopt: wireless-network optimization problems in plain language → verified models and explained answers."""

from lamopt.api import RunRecord, Step, follow_up, run_to_report, solve, stream

__all__ = ["RunRecord", "Step", "follow_up", "run_to_report", "solve", "stream"]
