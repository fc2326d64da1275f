from django.urls import path

from coproduce.apps.inclusion import views

app_name = "inclusion"

urlpatterns = [
    path(
        "orgs/<slug:org_slug>/engagements/<slug:slug>/who-took-part/",
        views.engagement_who_took_part_view,
        name="engagement-who-took-part",
    ),
    path(
        "orgs/<slug:org_slug>/engagements/<slug:slug>/who-took-part/"
        "download.<str:file_format>",
        views.engagement_who_took_part_download_view,
        name="engagement-who-took-part-download",
    ),
]
