"""mllens: Well-Architected reviews of machine-learning workloads."""

__version__ = "0.1.0"
