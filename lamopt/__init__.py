"""lamopt: wireless-network optimization problems in plain language → verified models and explained answers."""

from lamopt.api import Step, follow_up, solve, stream

__all__ = ["Step", "follow_up", "solve", "stream"]
