"""Surveys: views, one module per responsibility (import from the module)."""
