"""Surveys: services, one module per responsibility (import from the module)."""
