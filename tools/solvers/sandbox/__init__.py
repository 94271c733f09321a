"""Run model-generated Pyomo code safely: an AST policy, then a separate, limited process that returns data only."""

from tools.solvers.sandbox.runner import SandboxResult, run_generated_model

__all__ = ["SandboxResult", "run_generated_model"]
