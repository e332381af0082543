"""Detector families: one module and one metadata YAML per family (see registry.py)."""
