"""DRIB-MOBO: diffusion-based multi-objective Bayesian optimisation for expensive black-box problems."""
