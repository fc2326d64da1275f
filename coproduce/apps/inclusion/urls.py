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

# Snapshots and the organisation's inclusion dashboard (views/snapshots.py,
# views/dashboard.py).
from coproduce.apps.inclusion.views import dashboard, snapshots  # noqa: E402

urlpatterns += [
    path(
        "orgs/<slug:org_slug>/inclusion/",
        dashboard.organisation_inclusion_view,
        name="organisation-inclusion",
    ),
    path(
        "orgs/<slug:org_slug>/engagements/<slug:slug>/inclusion/",
        snapshots.engagement_snapshot_list_view,
        name="engagement-snapshots",
    ),
    path(
        "orgs/<slug:org_slug>/engagements/<slug:slug>/inclusion/recalculate/",
        snapshots.engagement_snapshot_request_view,
        name="engagement-snapshot-request",
    ),
    path(
        "orgs/<slug:org_slug>/engagements/<slug:slug>/inclusion/<int:pk>/",
        snapshots.engagement_snapshot_detail_view,
        name="engagement-snapshot-detail",
    ),
]
