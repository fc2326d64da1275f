"""Engagement pages: public list and detail, and officers' management pages."""

from django.urls import URLPattern

app_name = "engagements"

urlpatterns: list[URLPattern] = []
