from django.urls import path

from coproduce.apps.organisations import views

app_name = "organisations"

_org = "orgs/<slug:org_slug>/"

urlpatterns = [
    path(_org, views.organisation_dashboard_view, name="organisation-dashboard"),
    path(f"{_org}details/", views.organisation_update_view, name="organisation-update"),
    path(f"{_org}areas/", views.area_list_view, name="area-list"),
    path(f"{_org}areas/new/", views.area_create_view, name="area-create"),
    path(f"{_org}areas/<int:pk>/", views.area_update_view, name="area-update"),
    path(f"{_org}areas/<int:pk>/delete/", views.area_delete_view, name="area-delete"),
    path(
        f"{_org}population/",
        views.population_profile_list_view,
        name="population-profile-list",
    ),
    path(
        f"{_org}population/new/",
        views.population_profile_create_view,
        name="population-profile-create",
    ),
    path(
        f"{_org}population/<int:pk>/",
        views.population_profile_detail_view,
        name="population-profile-detail",
    ),
    path(
        f"{_org}population/<int:pk>/download.<str:file_format>",
        views.population_profile_download_view,
        name="population-profile-download",
    ),
    path(
        f"{_org}population/<int:pk>/delete/",
        views.population_profile_delete_view,
        name="population-profile-delete",
    ),
    path(f"{_org}lookups/", views.area_lookup_list_view, name="area-lookup-list"),
    path(
        f"{_org}lookups/deprivation/new/",
        views.deprivation_index_create_view,
        name="deprivation-index-create",
    ),
    path(
        f"{_org}lookups/deprivation/<int:pk>/",
        views.deprivation_index_detail_view,
        name="deprivation-index-detail",
    ),
    path(
        f"{_org}lookups/deprivation/<int:pk>/delete/",
        views.deprivation_index_delete_view,
        name="deprivation-index-delete",
    ),
    path(
        f"{_org}lookups/postcodes/",
        views.postcode_lookup_view,
        name="postcode-lookup",
    ),
    path(
        f"{_org}lookups/postcodes/upload/",
        views.postcode_lookup_upload_view,
        name="postcode-lookup-upload",
    ),
    path(
        f"{_org}lookups/postcodes/delete/",
        views.postcode_lookup_delete_view,
        name="postcode-lookup-delete",
    ),
    path(
        f"{_org}population/uploads/<int:pk>/labels/",
        views.census_labels_view,
        name="census-labels",
    ),
    path(
        f"{_org}population/uploads/<int:pk>/cancel/",
        views.census_import_cancel_view,
        name="census-import-cancel",
    ),
    path(
        f"{_org}population/label-mappings/",
        views.census_label_mapping_list_view,
        name="census-label-mapping-list",
    ),
    path(
        f"{_org}population/label-mappings/<int:pk>/delete/",
        views.census_label_mapping_delete_view,
        name="census-label-mapping-delete",
    ),
    path(f"{_org}members/", views.member_list_view, name="member-list"),
    path(f"{_org}members/invite/", views.member_invite_view, name="member-invite"),
    path(
        f"{_org}members/<int:pk>/role/",
        views.member_change_role_view,
        name="member-role",
    ),
    path(
        f"{_org}members/<int:pk>/remove/",
        views.member_remove_view,
        name="member-remove",
    ),
    path(
        f"{_org}invitations/<int:pk>/status/",
        views.invitation_status_view,
        name="invitation-status",
    ),
    path(
        f"{_org}invitations/<int:pk>/resend/",
        views.invitation_resend_view,
        name="invitation-resend",
    ),
    path(
        f"{_org}invitations/<int:pk>/cancel/",
        views.invitation_cancel_view,
        name="invitation-cancel",
    ),
    path(
        "invitations/<str:token>/",
        views.invitation_accept_view,
        name="invitation-accept",
    ),
]
