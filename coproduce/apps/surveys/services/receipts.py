"""E-mail receipts of submitted answers, sent by a task after commit."""

from __future__ import annotations

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from coproduce.apps.audit.services import audit_event_create
from coproduce.apps.surveys.definition import SurveyDefinition, localised
from coproduce.apps.surveys.models import Answer, QuestionKind, Submission
from coproduce.apps.surveys.services.responses import answer_raw_values


def submission_receipt_lines(
    *, submission: Submission, language: str
) -> list[tuple[str, str]]:
    """(question, answer) pairs of a submission, in `language`, for receipts."""
    definition: SurveyDefinition = submission.version.definition
    rows_by_key: dict[str, list[Answer]] = {}
    for row in submission.answers.order_by("pk"):
        rows_by_key.setdefault(row.question_key, []).append(row)
    lines = []
    for question in definition["questions"]:
        rows = rows_by_key.get(question["key"])
        if not rows:
            continue
        options = {
            o["value"]: localised(o["label"], language) for o in question["options"]
        }
        row_labels = {
            r["value"]: localised(r["label"], language) for r in question["rows"]
        }
        raw = answer_raw_values(question, rows)
        if question["kind"] == QuestionKind.MATRIX:
            parts = []
            for pair in raw:
                item, _sep, value = pair.partition("=")
                parts.append(
                    f"{row_labels.get(item, item)}: {options.get(value, value)}"
                )
            answer = "; ".join(parts)
        else:
            answer = ", ".join(options.get(value, value) for value in raw)
        lines.append((localised(question["text"], language), answer))
    return lines


def submission_receipt_send(*, submission_id: int) -> bool:
    """E-mail the receipt of a submission, in both languages (called by the task).

    Returns False when there is nowhere to send it. A mail failure is raised,
    so the task is marked failed and can be retried.
    """
    submission = (
        Submission.objects.select_related("survey", "version")
        .filter(pk=submission_id, status=Submission.Status.SUBMITTED)
        .first()
    )
    if submission is None or not submission.contact_email:
        return False

    title = submission.version.definition["title"]
    # Receipts are bilingual: the answering language first, then the other.
    languages = ["cy", "en"] if submission.language == "cy" else ["en", "cy"]
    bodies = []
    subjects = []
    for language in languages:
        with translation.override(language):
            subjects.append(
                _("Your answers to %(title)s") % {"title": localised(title, language)}
            )
            bodies.append(
                render_to_string(
                    "surveys/email/receipt_section.txt",
                    {
                        "title": localised(title, language),
                        "lines": submission_receipt_lines(
                            submission=submission, language=language
                        ),
                        "submitted_at": submission.submitted_at,
                        "reference": submission.pk,
                        "wants_updates": submission.wants_updates,
                    },
                )
            )
    # Titles may hold anything; a header must not contain a line break.
    subject = " ".join(" / ".join(subjects).split())[:250]
    body = "\n\n----------\n\n".join(bodies)
    send_mail(subject, body, None, [submission.contact_email])
    audit_event_create(
        actor=None,
        action="submission.receipt_sent",
        target=submission,
        organisation=submission.survey.organisation,
    )
    return True
