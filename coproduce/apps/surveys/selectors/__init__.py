"""Surveys: selectors, one module per responsibility (import from the module)."""
