from django.urls import path

from coproduce.apps.audit import views

app_name = "audit"

urlpatterns = [
    path("orgs/<slug:org_slug>/audit/", views.event_list_view, name="event-list"),
]
