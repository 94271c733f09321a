"""LEO satellite networks for microservice deployment: Walker-Delta constellations, ISL routing, DAG applications,
latency evaluation and baselines (random, heuristic, exact branch and bound)."""
