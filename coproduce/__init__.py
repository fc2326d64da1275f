"""Coproduce: engage citizens and co-produce public services."""

__version__ = "0.1.0"
