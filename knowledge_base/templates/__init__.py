"""The shipped formulation templates, one module each; every module defines `TEMPLATE`."""
