"""Formulation templates (where the mathematics lives) and the store that finds them."""
