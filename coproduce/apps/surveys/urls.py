"""Survey pages: the officers' builder and paper entry; residents answering."""

from django.urls import URLPattern

app_name = "surveys"

urlpatterns: list[URLPattern] = []
