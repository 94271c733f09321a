"""The LangGraph state machine: five agents (Retriever, Modeler, Verifier, Invoker, Optimizer) and a report."""
