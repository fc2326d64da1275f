"""Survey results: summaries, charts, free-text tags, exports and imports."""

from django.urls import path

from coproduce.apps.surveys.views import results as views
from coproduce.apps.surveys.views import weighting as weighting_views

app_name = "survey_results"

_survey = (
    "orgs/<slug:org_slug>/engagements/<slug:engagement_slug>/"
    "surveys/<slug:survey_slug>/results/"
)

urlpatterns = [
    path(_survey, views.results_view, name="results"),
    path(
        f"{_survey}free-text/<slug:question_key>/",
        views.free_text_view,
        name="free-text",
    ),
    path(f"{_survey}tags/", views.tag_list_view, name="tag-list"),
    path(f"{_survey}tags/<int:pk>/", views.tag_update_view, name="tag-update"),
    path(f"{_survey}tags/<int:pk>/delete/", views.tag_delete_view, name="tag-delete"),
    path(
        f"{_survey}answers/<int:pk>/tags/add/",
        views.answer_tag_change_view,
        {"action": "add"},
        name="answer-tag-add",
    ),
    path(
        f"{_survey}answers/<int:pk>/tags/remove/",
        views.answer_tag_change_view,
        {"action": "remove"},
        name="answer-tag-remove",
    ),
    path(
        f"{_survey}export.<str:file_format>",
        views.export_view,
        name="export",
    ),
    path(f"{_survey}import/", views.import_create_view, name="import-create"),
    path(
        f"{_survey}import/template.csv",
        views.import_template_view,
        name="import-template",
    ),
    path(
        f"{_survey}import/<int:pk>/",
        views.import_detail_view,
        name="import-detail",
    ),
    path(f"{_survey}weighting/", weighting_views.weighting_view, name="weighting"),
    path(
        f"{_survey}weighting/<int:pk>/",
        weighting_views.weighting_run_view,
        name="weighting-run",
    ),
    path(
        f"{_survey}weighting/<int:pk>/cancel/",
        weighting_views.weighting_run_cancel_view,
        name="weighting-run-cancel",
    ),
]
