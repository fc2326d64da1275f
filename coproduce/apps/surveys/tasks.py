"""Background work for surveys. Tasks take IDs and call one service."""

from django_tasks import task


@task()
def submission_receipt_send_task(*, submission_id: int) -> bool:
    """E-mail a resident the receipt of their answers."""
    from coproduce.apps.surveys.services.receipts import submission_receipt_send

    return submission_receipt_send(submission_id=submission_id)


@task()
def survey_import_run_task(*, survey_import_id: int) -> str:
    """Check and import one uploaded file of responses; returns the end status."""
    from coproduce.apps.surveys.services.imports import survey_import_run

    return survey_import_run(survey_import_id=survey_import_id).status


@task()
def weighting_run_task(*, weighting_run_id: int) -> str:
    """Compute and store one run's raking weights; returns the end status."""
    from coproduce.apps.surveys.services.weighting import weighting_run_execute

    return weighting_run_execute(weighting_run_id=weighting_run_id).status
