"""LEO satellite networks: helpers for placement answers (plots)."""
