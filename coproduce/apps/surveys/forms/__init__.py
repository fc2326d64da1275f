"""Surveys: forms, one module per responsibility (import from the module)."""
