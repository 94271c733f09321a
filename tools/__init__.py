"""Tools the agents call: solvers, simulators, learned models. No LLM lives here, and nothing imports agents/."""
