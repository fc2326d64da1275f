"""Writes to surveys: building (builder), answering, officers' entry.

Import from the submodules (`services.builder`, `services.answering`,
`services.entry`); other helpers add their own modules here.
"""
