"""lamopt: wireless-network optimization problems in plain language → verified models and explained answers."""

from lamopt.api import Step, solve, stream

__all__ = ["Step", "solve", "stream"]
