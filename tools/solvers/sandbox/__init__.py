"""Run model-generated Pyomo code safely: an AST policy, then an isolated, limited process that returns data only."""

from tools.solvers.sandbox.isolation import isolation_status
from tools.solvers.sandbox.runner import SandboxResult, run_generated_model

__all__ = ["SandboxResult", "isolation_status", "run_generated_model"]
