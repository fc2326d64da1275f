"""Background work for surveys."""

from django_tasks import task


@task()
def survey_import_run_task(*, survey_import_id: int) -> str:
    """Check and import one uploaded file of responses; returns the end status."""
    from coproduce.apps.surveys.services.imports import survey_import_run

    return survey_import_run(survey_import_id=survey_import_id).status
