from django.urls import path

from coproduce.apps.inclusion.views import dashboard, snapshots, who_took_part

app_name = "inclusion"

_engagement = "orgs/<slug:org_slug>/engagements/<slug:slug>/"

urlpatterns = [
    path(
        "orgs/<slug:org_slug>/inclusion/",
        dashboard.organisation_inclusion_view,
        name="organisation-inclusion",
    ),
    path(
        "orgs/<slug:org_slug>/inclusion/download.<str:file_format>",
        dashboard.organisation_inclusion_download_view,
        name="organisation-inclusion-download",
    ),
    path(
        f"{_engagement}who-took-part/",
        who_took_part.engagement_who_took_part_view,
        name="engagement-who-took-part",
    ),
    path(
        f"{_engagement}who-took-part/download.<str:file_format>",
        who_took_part.engagement_who_took_part_download_view,
        name="engagement-who-took-part-download",
    ),
    path(
        f"{_engagement}inclusion/",
        snapshots.engagement_snapshot_list_view,
        name="engagement-snapshots",
    ),
    path(
        f"{_engagement}inclusion/recalculate/",
        snapshots.engagement_snapshot_request_view,
        name="engagement-snapshot-request",
    ),
    path(
        f"{_engagement}inclusion/<int:pk>/",
        snapshots.engagement_snapshot_detail_view,
        name="engagement-snapshot-detail",
    ),
    path(
        f"{_engagement}inclusion/<int:pk>/download.<str:file_format>",
        snapshots.engagement_snapshot_download_view,
        name="engagement-snapshot-download",
    ),
]
