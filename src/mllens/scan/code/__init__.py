"""Python code as the detectors see it: an AST index with import aliases resolved.

A module and a notebook's code cells are read into the same index (view.py), so the
python_code family's signals are written once for both.
"""
