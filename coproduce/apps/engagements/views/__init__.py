"""Engagement pages: `public` for residents, `manage` for officers."""
