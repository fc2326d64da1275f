"""Inclusion pages, one module per page family."""
