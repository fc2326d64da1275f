"""Inclusion pages, one module per page family."""

from coproduce.apps.inclusion.views.who_took_part import (
    engagement_who_took_part_download_view,
    engagement_who_took_part_view,
)

__all__ = [
    "engagement_who_took_part_download_view",
    "engagement_who_took_part_view",
]
