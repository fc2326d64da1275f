"""Survey results: summaries, charts, free-text tags, exports and imports."""

from django.urls import URLPattern

app_name = "survey_results"

urlpatterns: list[URLPattern] = []
