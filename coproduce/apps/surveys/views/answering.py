"""Residents' pages: start, one page of questions at a time, about you, check, done.

Works without JavaScript: every step is a plain form POST followed by a
redirect. Unfinished answers live in the session (everyone) and, for
signed-in residents, in a saved draft too (see services/answering.py).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode

from coproduce.apps.core.about_you import ABOUT_YOU_FIELDS
from coproduce.apps.core.forms import form_add_domain_error
from coproduce.apps.organisations.selectors import organisation_get
from coproduce.apps.surveys.definition import (
    QuestionDefinition,
    SurveyDefinition,
    localised,
)
from coproduce.apps.surveys.forms.answering import (
    AboutYouForm,
    CheckAnswersForm,
    about_you_data,
    display_values,
    field_name,
    posted_answers,
)
from coproduce.apps.surveys.models import QuestionKind, Survey
from coproduce.apps.surveys.routing import (
    page_first,
    page_previous,
    pages_shown,
    questions_on_page,
    visible_questions,
)
from coproduce.apps.surveys.selectors.surveys import (
    submission_get_for_confirmation,
    survey_get,
)
from coproduce.apps.surveys.services import answering as services
from coproduce.apps.surveys.services.answering import (
    FINISHED_PAGE,
    AnswerState,
    SignInRequiredError,
)
from coproduce.apps.surveys.services.responses import AnswersInvalidError
from coproduce.errors import DomainError


def posted_data(request: HttpRequest) -> QueryDict | None:
    """The form data of a POST, even an empty one (every 'about you' answer is
    optional, so `request.POST or None` would ignore a valid empty form)."""
    return request.POST if request.method == "POST" else None


def _language() -> str:
    return "cy" if (translation.get_language() or "en").startswith("cy") else "en"


def question_items(
    questions: list[QuestionDefinition],
    answers: dict[str, list[str]],
    errors: dict[str, str],
    language: str,
) -> list[dict[str, Any]]:
    """What the question templates draw for each question, in `language`."""
    items = []
    for question in questions:
        key = question["key"]
        options = [
            (o["value"], localised(o["label"], language)) for o in question["options"]
        ]
        items.append(
            {
                "question": question,
                "key": key,
                "name": field_name(key),
                "kind": question["kind"],
                "text": localised(question["text"], language),
                "hint": localised(question["help_text"], language),
                "is_required": question["is_required"],
                "options": options,
                "rows": [
                    (r["value"], localised(r["label"], language))
                    for r in question["rows"]
                ],
                "ranks": list(range(1, len(options) + 1)),
                "settings": question["settings"],
                "error": errors.get(key, ""),
                "shown": display_values(question, answers.get(key, [])),
            }
        )
    return items


def _answer_text(item: dict[str, Any]) -> str:
    """A readable answer for the check-answers page."""
    values = item["shown"]["values"]
    labels = dict(item["options"])
    if item["kind"] == QuestionKind.MATRIX:
        rows = dict(item["rows"])
        return "; ".join(
            f"{rows.get(row, row)}: {labels.get(option, option)}"
            for row, option in item["shown"]["grid"].items()
        )
    if item["kind"] == QuestionKind.RANKING:
        return "; ".join(
            f"{rank}. {labels.get(value, value)}"
            for rank, value in enumerate(values, start=1)
        )
    return ", ".join(labels.get(value, value) for value in values)


def _survey(
    request: HttpRequest, org_slug: str, engagement_slug: str, survey_slug: str
) -> Survey:
    organisation = organisation_get(slug=org_slug)
    return survey_get(
        actor=request.user,
        organisation=organisation,
        engagement_slug=engagement_slug,
        survey_slug=survey_slug,
    )


def _url(name: str, survey: Survey, **extra: Any) -> str:
    return reverse(
        f"surveys:{name}",
        kwargs={
            "org_slug": survey.organisation.slug,
            "engagement_slug": survey.engagement.slug,
            "survey_slug": survey.slug,
            **extra,
        },
    )


def _session_key(survey: Survey) -> str:
    return f"survey-answers-{survey.pk}"


def _done_key(survey: Survey) -> str:
    return f"survey-done-{survey.pk}"


def _state_save(request: HttpRequest, survey: Survey, state: AnswerState) -> None:
    request.session[_session_key(survey)] = state.to_json()


def _unavailable(
    request: HttpRequest, survey: Survey, exc: DomainError
) -> HttpResponse:
    """The page saying why answers are refused; a refused POST gets a 409."""
    if isinstance(exc, SignInRequiredError):
        return redirect_to_login(_url("survey-start", survey))
    return render(
        request,
        "surveys/unavailable.html",
        {
            "survey": survey,
            "messages_list": exc.messages,
            "nothing_saved": not isinstance(exc, services.AnswersAlreadySentError),
            **_titles(survey),
        },
        status=409 if request.method == "POST" else 200,
    )


def _titles(survey: Survey) -> dict[str, str]:
    language = _language()
    if survey.current_version is not None:
        definition: SurveyDefinition = survey.current_version.definition
        return {
            "title": localised(definition["title"], language),
            "introduction": localised(definition["introduction"], language),
        }
    return {"title": survey.title, "introduction": survey.introduction}


def _state_or_response(
    request: HttpRequest, survey: Survey
) -> tuple[AnswerState | None, HttpResponse | None]:
    """The respondent's state, or the response to send instead (closed, start)."""
    try:
        services.answering_check(survey=survey, user=request.user)
    except DomainError as exc:
        return None, _unavailable(request, survey, exc)
    state = services.answering_draft_state(survey=survey, user=request.user)
    if state is None and _session_key(survey) in request.session:
        try:
            state = AnswerState.from_json(request.session[_session_key(survey)])
        except (KeyError, TypeError, ValueError):
            state = None
    if state is None:
        return None, redirect(_url("survey-start", survey))
    return state, None


def _after_questions_url(survey: Survey) -> str:
    if survey.includes_about_you:
        return _url("survey-about-you", survey)
    return _url("survey-check", survey)


def _resume_url(
    survey: Survey, state: AnswerState, questions: list[QuestionDefinition]
) -> str:
    if state.page >= FINISHED_PAGE:
        return _after_questions_url(survey)
    page = state.page if state.page in pages_shown(questions, state.answers) else None
    page = page or page_first(questions, state.answers)
    if page is None:
        return _after_questions_url(survey)
    return _url("survey-page", survey, page=page)


def survey_start_view(
    request: HttpRequest, org_slug: str, engagement_slug: str, survey_slug: str
) -> HttpResponse:
    survey = _survey(request, org_slug, engagement_slug, survey_slug)
    if request.method == "POST":
        try:
            state = services.answering_start(survey=survey, user=request.user)
        except DomainError as exc:
            return _unavailable(request, survey, exc)
        _state_save(request, survey, state)
        version = services.answering_version(survey=survey, state=state)
        return redirect(_resume_url(survey, state, version.definition["questions"]))
    problem: list[str] = []
    needs_sign_in = False
    try:
        services.answering_check(survey=survey, user=request.user)
    except SignInRequiredError as exc:
        needs_sign_in = True
        problem = exc.messages
    except DomainError as exc:
        problem = exc.messages
    return render(
        request,
        "surveys/start.html",
        {
            "survey": survey,
            "problem": problem,
            "needs_sign_in": needs_sign_in,
            "login_url": reverse("account_login")
            + "?"
            + urlencode({"next": _url("survey-start", survey)}),
            "has_draft": services.answering_draft_state(
                survey=survey, user=request.user
            )
            is not None,
            **_titles(survey),
        },
    )


def survey_page_view(
    request: HttpRequest,
    org_slug: str,
    engagement_slug: str,
    survey_slug: str,
    page: int,
) -> HttpResponse:
    survey = _survey(request, org_slug, engagement_slug, survey_slug)
    state, response = _state_or_response(request, survey)
    if response is not None or state is None:
        return response or redirect(_url("survey-start", survey))
    version = services.answering_version(survey=survey, state=state)
    questions: list[QuestionDefinition] = version.definition["questions"]
    on_page = questions_on_page(questions, state.answers, page)
    if not on_page:
        # A page routing skips is never shown: go where the respondent should be.
        return redirect(_resume_url(survey, state, questions))
    answers = state.answers
    errors: dict[str, str] = {}
    if request.method == "POST":
        posted = posted_answers(on_page, request.POST)
        try:
            state = services.answering_page_save(
                survey=survey, user=request.user, state=state, page=page, values=posted
            )
        except AnswersInvalidError as exc:
            errors = exc.errors
            answers = {**state.answers, **posted}
        except DomainError as exc:
            return _unavailable(request, survey, exc)
        else:
            _state_save(request, survey, state)
            return redirect(_resume_url(survey, state, questions))
    previous = page_previous(questions, state.answers, page)
    language = _language()
    items = question_items(on_page, answers, errors, language)
    return render(
        request,
        "surveys/page.html",
        {
            "survey": survey,
            "items": items,
            "question_errors": [item for item in items if item["error"]],
            "page": page,
            "page_number": pages_shown(questions, state.answers).index(page) + 1,
            "back_url": _url("survey-page", survey, page=previous)
            if previous
            else _url("survey-start", survey),
            **_titles(survey),
        },
    )


def _last_page_url(
    survey: Survey, state: AnswerState, questions: list[QuestionDefinition]
) -> str:
    pages = pages_shown(questions, state.answers)
    if not pages:
        return _url("survey-start", survey)
    return _url("survey-page", survey, page=pages[-1])


def survey_about_you_view(
    request: HttpRequest, org_slug: str, engagement_slug: str, survey_slug: str
) -> HttpResponse:
    survey = _survey(request, org_slug, engagement_slug, survey_slug)
    state, response = _state_or_response(request, survey)
    if response is not None or state is None:
        return response or redirect(_url("survey-start", survey))
    if not survey.includes_about_you:
        return redirect(_url("survey-check", survey))
    version = services.answering_version(survey=survey, state=state)
    form = AboutYouForm(posted_data(request), initial=state.about_you)
    if request.method == "POST" and form.is_valid():
        try:
            state = services.answering_about_you_save(
                survey=survey,
                user=request.user,
                state=state,
                data=about_you_data(form.cleaned_data),
            )
        except AnswersInvalidError as exc:
            for name, message in exc.errors.items():
                form.add_error(name if name in form.fields else None, message)
        except DomainError as exc:
            return _unavailable(request, survey, exc)
        else:
            _state_save(request, survey, state)
            return redirect(_url("survey-check", survey))
    return render(
        request,
        "surveys/about_you.html",
        {
            "survey": survey,
            "form": form,
            "back_url": _last_page_url(survey, state, version.definition["questions"]),
            **_titles(survey),
        },
    )


def _about_you_rows(state: AnswerState) -> list[tuple[str, str]]:
    form = AboutYouForm()
    rows = []
    for name in [*ABOUT_YOU_FIELDS, "postcode"]:
        value = state.about_you.get(name, "")
        field = form.fields[name]
        labels = dict(getattr(field, "choices", []))
        rows.append((str(field.label), str(labels.get(value, value)) if value else ""))
    return rows


def survey_check_view(
    request: HttpRequest, org_slug: str, engagement_slug: str, survey_slug: str
) -> HttpResponse:
    survey = _survey(request, org_slug, engagement_slug, survey_slug)
    state, response = _state_or_response(request, survey)
    if response is not None or state is None:
        return response or redirect(_url("survey-start", survey))
    version = services.answering_version(survey=survey, state=state)
    questions: list[QuestionDefinition] = version.definition["questions"]
    form = CheckAnswersForm(
        posted_data(request), offers_receipt=survey.offers_email_receipt
    )
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            submission = services.submission_submit(
                survey=survey,
                user=request.user,
                state=state,
                contact_email=form.cleaned_data["contact_email"],
                wants_updates=form.cleaned_data["wants_updates"],
                language=_language(),
            )
        except AnswersInvalidError as exc:
            problems = exc.messages
        except (services.SurveyClosedError, services.AlreadyAnsweredError) as exc:
            return _unavailable(request, survey, exc)
        except (DomainError, ValidationError) as exc:
            form_add_domain_error(form, exc)
        else:
            request.session.pop(_session_key(survey), None)
            request.session[_done_key(survey)] = {
                "pk": submission.pk,
                "receipt": bool(form.cleaned_data["contact_email"])
                and survey.offers_email_receipt,
            }
            return redirect(_url("survey-done", survey))
    language = _language()
    items = question_items(
        visible_questions(questions, state.answers), state.answers, {}, language
    )
    for item in items:
        item["answer_text"] = _answer_text(item)
        item["change_url"] = _url("survey-page", survey, page=item["question"]["page"])
    return render(
        request,
        "surveys/check.html",
        {
            "survey": survey,
            "items": items,
            "about_you_rows": _about_you_rows(state)
            if survey.includes_about_you
            else [],
            "form": form,
            "problems": problems,
            "back_url": _url("survey-about-you", survey)
            if survey.includes_about_you
            else _last_page_url(survey, state, questions),
            **_titles(survey),
        },
    )


def survey_done_view(
    request: HttpRequest, org_slug: str, engagement_slug: str, survey_slug: str
) -> HttpResponse:
    survey = _survey(request, org_slug, engagement_slug, survey_slug)
    done = request.session.get(_done_key(survey))
    if not isinstance(done, dict) or "pk" not in done:
        return redirect(_url("survey-start", survey))
    submission = submission_get_for_confirmation(survey=survey, pk=int(done["pk"]))
    return render(
        request,
        "surveys/done.html",
        {
            "survey": survey,
            "submission": submission,
            "receipt_sent": bool(done.get("receipt")),
            **_titles(survey),
        },
    )
