"""Python code as the detectors see it: an AST index with import aliases resolved.

Shared by the python_code family (modules) and the notebooks family (code cells).
"""
