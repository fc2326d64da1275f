"""Benchmark: 200 simulated residents answering a survey for 2 minutes on PostgreSQL.

What it does, all on 127.0.0.1:
1. creates a fresh PostgreSQL database (COPRODUCE_BENCH_DATABASE_URL names the
   server; the database in the URL is dropped and recreated), migrates it and
   builds an open engagement with an anonymous four-page survey;
2. starts gunicorn with production settings (benchmarks/bench_settings.py);
3. runs locust in-process: 200 users, each answering the survey from the start
   page to the confirmation page, again and again, for DURATION_S seconds;
   then the same users load a bare Django page for BARE_DURATION_S seconds;
4. prints throughput, latency percentiles and errors for both, the ratio of
   the two, and checks that the submissions stored equal the confirmations
   the users received (acknowledged).

The users fill forms generically (first option of each radio group and
checkbox group, a fixed text in text boxes), so the script does not depend on
the survey pages' markup beyond standard HTML forms.

Run: `make bench`, or
`COPRODUCE_BENCH_DATABASE_URL=postgres://user:pw@127.0.0.1:5432/coproduce_bench
.venv/bin/python benchmarks/submit_load.py [--users 200 --duration 120]`.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

from load_support import (
    django_env,
    open_engagement_for_load,
    recreate_database,
    run_child,
    wait_for_port,
)

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
PORT = 8190
HOST = f"http://127.0.0.1:{PORT}"
DURATION_S = 120
BARE_DURATION_S = 30
USERS = 200
SPAWN_RATE = 25


# --- Steps that need Django run in a child process (locust patches sockets) ----


def prepare() -> None:
    """In the child: migrate and build the survey; print its URL as JSON."""
    organisation, engagement = open_engagement_for_load(
        slug="parks",
        title="Parks",
        purpose="Which parks to improve first.",
        team="Parks",
        email="parks@load.example",
    )
    from django.urls import reverse
    from django.utils import timezone

    from coproduce.apps.surveys.definition import definition_build
    from coproduce.apps.surveys.models import (
        Choice,
        Question,
        QuestionKind,
        Survey,
        SurveyVersion,
    )

    survey = Survey.objects.create(
        organisation=organisation,
        engagement=engagement,
        slug="parks-survey",
        title_en="Parks survey",
        includes_about_you=False,
        offers_email_receipt=False,
    )
    kinds = [
        QuestionKind.SINGLE_CHOICE,
        QuestionKind.SCALE,
        QuestionKind.MULTIPLE_CHOICE,
        QuestionKind.SHORT_TEXT,
    ]
    for index in range(8):
        kind = kinds[index % len(kinds)]
        question = Question.objects.create(
            survey=survey,
            key=f"q{index + 1}",
            page=1 + index // 2,
            position=index,
            kind=kind,
            text_en=f"Question {index + 1}",
            is_required=True,
        )
        values = ["1", "2", "3", "4", "5"] if kind == QuestionKind.SCALE else ["a", "b"]
        if kind != QuestionKind.SHORT_TEXT:
            for position, value in enumerate(values):
                Choice.objects.create(
                    question=question, value=value, label_en=value, position=position
                )
    version = SurveyVersion.objects.create(
        survey=survey,
        number=1,
        definition=definition_build(survey=survey),
        published_at=timezone.now(),
    )
    survey.current_version = version
    survey.save(update_fields=["current_version"])
    start = reverse(
        "surveys:survey-start",
        kwargs={
            "org_slug": organisation.slug,
            "engagement_slug": engagement.slug,
            "survey_slug": survey.slug,
        },
    )
    print(json.dumps({"start": start, "bare": reverse("core:accessibility")}))


def count_submissions() -> None:
    """In the child: print the number of submitted responses as JSON."""
    import django

    django.setup()
    from coproduce.apps.surveys.models import Submission

    print(json.dumps({"stored": Submission.objects.filter(status="submitted").count()}))


# --- Generic HTML form filling --------------------------------------------------


class _FormParser(HTMLParser):
    """The first POST form of a page: its action and the fields to send."""

    def __init__(self) -> None:
        super().__init__()
        self.in_form = False
        self.done = False
        self.action = ""
        self.fields: list[tuple[str, str]] = []
        self.radios_seen: set[str] = set()
        self.checkboxes_seen: set[str] = set()
        self.textarea: str | None = None
        self.select: str | None = None
        self.select_filled = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if self.done:
            return
        if tag == "form" and a.get("method", "").lower() == "post":
            self.in_form = True
            self.action = a.get("action", "")
        if not self.in_form:
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind == "hidden":
                self.fields.append((name, a.get("value", "")))
            elif kind == "radio" and name not in self.radios_seen:
                self.radios_seen.add(name)
                self.fields.append((name, a.get("value", "")))
            elif kind == "checkbox" and name not in self.checkboxes_seen:
                self.checkboxes_seen.add(name)
                self.fields.append((name, a.get("value", "on")))
            elif kind in ("text", "email", "number", "search", "tel"):
                value = a.get("value") or ("3" if kind == "number" else "Load test ŵ")
                if kind == "email":
                    # Asking to hear back needs an address; the bench survey
                    # sends no receipt, so nothing is e-mailed.
                    value = "resident@load.example"
                self.fields.append((name, value))
        elif tag == "textarea" and name:
            self.textarea = name
        elif tag == "select" and name:
            self.select, self.select_filled = name, False
        elif (
            tag == "option"
            and self.select
            and not self.select_filled
            and a.get("value")
        ):
            self.fields.append((self.select, a["value"]))
            self.select_filled = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self.textarea:
            self.fields.append((self.textarea, "Load test answer"))
            self.textarea = None
        elif tag == "select":
            self.select = None
        elif tag == "form" and self.in_form:
            self.in_form, self.done = False, True


def _form(html: str) -> _FormParser | None:
    parser = _FormParser()
    parser.feed(html)
    return parser if parser.done else None


# --- The load run ---------------------------------------------------------------


def run_load(start_path: str, bare_path: str, users: int, duration_s: int) -> int:
    import gevent
    from locust import HttpUser, constant, task
    from locust.env import Environment

    acknowledged = {"count": 0}
    max_steps = 20

    class Resident(HttpUser):
        wait_time = constant(0)
        host = HOST

        @task
        def answer_survey(self) -> None:
            self.client.cookies.clear()  # a new resident each time
            url = urljoin(HOST, start_path)
            request: dict[str, object] = {"method": "GET", "name": "start page"}
            for _step in range(max_steps):
                # catch_response: a page with neither a form nor the
                # confirmation panel is a failure too, with what it was.
                with self.client.request(
                    url=url, catch_response=True, **request
                ) as response:
                    url = response.url or url
                    if response.status_code == 0:  # no response at all
                        response.failure(f"no response: {response.error!r}")
                        return
                    if response.status_code >= 400:
                        response.failure(f"HTTP {response.status_code}")
                        return
                    if "govuk-panel--confirmation" in response.text:
                        acknowledged["count"] += 1
                        return
                    form = _form(response.text)
                    if form is None:
                        response.failure(
                            f"HTTP {response.status_code} page with no form and "
                            "no confirmation"
                        )
                        return
                target = urljoin(url, form.action) if form.action else url
                request = {
                    "method": "POST",
                    "data": form.fields,
                    "headers": {"Referer": url},
                    "name": "survey page (POST)",
                }
                url = target
            raise RuntimeError("survey not finished after 20 pages")

    class BareVisitor(HttpUser):
        wait_time = constant(0)
        host = HOST

        @task
        def bare(self) -> None:
            self.client.get(bare_path, name="bare page")

    def run(user_class: type[HttpUser], seconds: int) -> object:
        # stop_timeout: when time is up, each user finishes the survey it is in
        # the middle of, so every stored submission had its answer delivered.
        environment = Environment(user_classes=[user_class], stop_timeout=60)
        runner = environment.create_local_runner()
        runner.start(users, spawn_rate=SPAWN_RATE)
        gevent.spawn_later(seconds, runner.quit)
        runner.greenlet.join()
        return environment.stats

    survey_stats = run(Resident, duration_s)
    bare_stats = run(BareVisitor, BARE_DURATION_S)

    def report(label: str, stats: object, seconds: int) -> float:
        total = stats.total  # type: ignore[attr-defined]
        rps = total.num_requests / seconds
        print(
            f"{label}: {total.num_requests} requests in {seconds} s = {rps:.1f}/s, "
            f"errors {total.num_failures}, median {total.median_response_time:.0f} ms, "
            f"95th {total.get_response_time_percentile(0.95):.0f} ms, "
            f"99th {total.get_response_time_percentile(0.99):.0f} ms"
        )
        for error in stats.errors.values():  # type: ignore[attr-defined]
            print(
                f"   error {error.method} {error.name}: {error.error} "
                f"({error.occurrences}×)"
            )
        return float(rps)

    survey_rps = report("Answering the survey", survey_stats, duration_s)
    bare_rps = report("Bare Django page   ", bare_stats, BARE_DURATION_S)
    print(
        f"Completed surveys acknowledged: {acknowledged['count']} "
        f"({acknowledged['count'] / duration_s:.1f}/s)"
    )
    print(
        "Request throughput ratio, survey pages / bare page: "
        f"{survey_rps / bare_rps:.2f}"
    )
    return acknowledged["count"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--count", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--recreate", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--users", type=int, default=USERS)
    parser.add_argument("--duration", type=int, default=DURATION_S)
    args = parser.parse_args()
    if args.prepare:
        prepare()
        return 0
    if args.count:
        count_submissions()
        return 0
    if args.recreate:
        recreate_database(os.environ["DATABASE_URL"])
        print(json.dumps({"recreated": True}))
        return 0

    database_url = os.environ.get("COPRODUCE_BENCH_DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        print(
            "Set COPRODUCE_BENCH_DATABASE_URL=postgres://user:password@127.0.0.1/"
            "coproduce_bench (a database this script may drop and recreate)."
        )
        return 2
    env = django_env(database_url, host=HOST, var_dir="/tmp/coproduce-bench-var")
    # Every step that touches the database runs in a child process: locust
    # monkey-patches sockets (gevent) in this one.
    run_child(__file__, "recreate", env)
    paths = run_child(__file__, "prepare", env)
    server = subprocess.Popen(  # noqa: S603 - fixed command line
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "coproduce.config.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            "4",
            "--threads",
            "8",
            "--worker-class",
            "gthread",
            # As `coproduce serve` does: with gunicorn's 2 s default, requests
            # sent as it closes an idle connection were lost under load.
            "--keep-alive",
            "75",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        wait_for_port(PORT)
        print(
            f"{args.users} users for {args.duration} s against {HOST} "
            "(gunicorn, 4 workers × 8 threads, PostgreSQL)"
        )
        acknowledged = run_load(
            str(paths["start"]), str(paths["bare"]), args.users, args.duration
        )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    stored = int(run_child(__file__, "count", env)["stored"])  # type: ignore[call-overload]
    verdict = "equal" if stored == acknowledged else "NOT EQUAL"
    print(f"Submissions stored {stored}, acknowledged {acknowledged}: {verdict}")
    if acknowledged == 0:
        print("No survey was completed: the run measured nothing.")
        return 1
    return 0 if stored == acknowledged else 1


if __name__ == "__main__":
    sys.exit(main())
