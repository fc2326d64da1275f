"""Survey pages: the officers' builder and paper entry; residents answering."""

from django.urls import path

from coproduce.apps.surveys.views import answering, builder, questions

app_name = "surveys"

_surveys = "orgs/<slug:org_slug>/engagements/<slug:engagement_slug>/surveys/"
_survey = f"{_surveys}<slug:survey_slug>/"
_question = f"{_survey}build/questions/<slug:key>/"

urlpatterns = [
    # Officers
    path(f"{_surveys}new/", builder.survey_create_view, name="survey-create"),
    path(f"{_survey}build/", builder.survey_builder_view, name="survey-builder"),
    path(f"{_survey}build/settings/", builder.survey_update_view, name="survey-update"),
    path(
        f"{_survey}build/questions/new/",
        questions.question_create_view,
        name="question-create",
    ),
    path(_question, questions.question_update_view, name="question-update"),
    path(f"{_question}delete/", questions.question_delete_view, name="question-delete"),
    path(f"{_question}move/", questions.question_move_view, name="question-move"),
    path(
        f"{_question}condition/",
        questions.question_condition_view,
        name="question-condition",
    ),
    path(f"{_survey}preview/", builder.survey_preview_view, name="survey-preview"),
    path(f"{_survey}publish/", builder.survey_publish_view, name="survey-publish"),
    path(f"{_survey}entry/", builder.survey_entry_view, name="survey-entry"),
    # Residents
    path(_survey, answering.survey_start_view, name="survey-start"),
    path(f"{_survey}page/<int:page>/", answering.survey_page_view, name="survey-page"),
    path(
        f"{_survey}about-you/",
        answering.survey_about_you_view,
        name="survey-about-you",
    ),
    path(f"{_survey}check/", answering.survey_check_view, name="survey-check"),
    path(f"{_survey}done/", answering.survey_done_view, name="survey-done"),
]
