"""Benchmark: 200 simulated residents voting in a conversation for 2 minutes.

What it does, all on 127.0.0.1:
1. creates a fresh database (COPRODUCE_BENCH_DATABASE_URL: PostgreSQL, whose
   database is dropped and recreated, or a SQLite file, which is deleted and
   recreated), migrates it and builds an organisation, an engagement and an
   OPEN, permissively moderated conversation with 200 accepted statements that
   residents may add to;
2. starts gunicorn with production settings (benchmarks/bench_settings.py) and
   the same worker settings as submit_load.py, with the abuse limits raised
   (see LIMITS) and the database task backend but no task worker, so anything
   the votes enqueue (opinion-map recomputes) waits in the queue;
3. runs locust in-process: each user is a resident without an account who
   keeps its cookies for one visit: it opens the voting page, votes agree,
   disagree or pass on the statement shown by posting the page's form as a
   browser would (CSRF token, the hidden statement number, the clicked button),
   follows the redirect to the next statement, and repeats a random number of
   times; one visit in ten also adds a statement of its own. Then it is a new
   resident (cookies cleared). After DURATION_S seconds the same number of
   users load a bare Django page for BARE_DURATION_S seconds;
4. prints throughput, latency percentiles and errors by kind, the ratio to the
   bare page, and checks the database against what the residents were told:
   VoteEvent rows = acknowledged votes + acknowledged own statements (an
   author agrees with their statement), Vote rows = distinct (resident,
   statement) pairs acknowledged, resident statements = acknowledged ones.

A vote is acknowledged when its POST answers with the redirect to the voting
page (the server has committed it by then); a refused vote re-renders the page
with an error summary and counts as an error of its kind.

Exit status: 0 when there were no errors and every count matched, 1 otherwise,
2 when no database was named.

Run: `make bench`, or
`COPRODUCE_BENCH_DATABASE_URL=postgres://user:pw@127.0.0.1:5432/coproduce_bench
.venv/bin/python benchmarks/vote_load.py [--users 200 --duration 120]`;
`--smoke` runs 10 users for 15 s on a throw-away SQLite file.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import secrets
import signal
import subprocess
import sys
import tempfile
import time
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
PORT = 8191  # not submit_load.py's, so the two can run side by side
HOST = f"http://127.0.0.1:{PORT}"
DURATION_S = 120
BARE_DURATION_S = 30
USERS = 200
SPAWN_RATE = 25
N_STATEMENTS = 200
MAX_VOTES_PER_VISIT = 40
STATEMENT_SHARE = 0.1  # visits that also add a statement
SMOKE = {"users": 10, "duration": 15, "bare_duration": 5}

# Every simulated resident comes from 127.0.0.1 and votes as fast as the server
# answers, so the default limits (60 votes a minute, 200 new participants an
# hour per address) would refuse most of them: the run would measure the
# limits, not the voting. base.py reads these from the environment.
LIMITS = {
    "COPRODUCE_CONVERSATION_VOTES_PER_MINUTE": "1000000",
    "COPRODUCE_CONVERSATION_STATEMENTS_PER_HOUR": "1000000",
    "COPRODUCE_CONVERSATION_NEW_PARTICIPANTS_PER_IP_PER_HOUR": "1000000",
}


# --- Steps that need Django run in a child process (locust patches sockets) ----


def prepare() -> None:
    """In the child: migrate and build the open conversation; print its URLs."""
    organisation, engagement = open_engagement_for_load(
        slug="town-centre",
        title="Town centre",
        purpose="What to change in the town centre.",
        team="Regeneration",
        email="town@load.example",
    )
    from django.conf import settings
    from django.urls import reverse

    from coproduce.apps.accounts.models import User
    from coproduce.apps.conversations.models import Conversation
    from coproduce.apps.conversations.services import (
        conversation_create,
        conversation_open,
        statements_seed,
    )
    from coproduce.apps.organisations.models import Membership, Role

    officer = User.objects.create_user(email="officer@load.example")
    Membership.objects.create(
        organisation=organisation, user=officer, role=Role.ENGAGEMENT_OFFICER
    )
    conversation = conversation_create(
        actor=officer,
        engagement=engagement,
        topic_en="Our town centre",
        moderation=Conversation.Moderation.PERMISSIVE,
        allow_resident_statements=True,
    )
    statements_seed(
        actor=officer,
        conversation=conversation,
        statements_en="\n".join(
            f"Statement {number}: the town centre needs change number {number}."
            for number in range(N_STATEMENTS)
        ),
    )
    conversation_open(actor=officer, conversation=conversation)
    print(
        json.dumps(
            {
                "vote": conversation.get_public_url(),
                "bare": reverse("core:accessibility"),
                "tasks_backend": settings.TASKS["default"]["BACKEND"],
                "database": settings.DATABASES["default"]["ENGINE"].rsplit(".")[-1],
            }
        )
    )


def count_stored() -> None:
    """In the child: print what the database holds after the run, as JSON."""
    import django

    django.setup()
    from django_tasks_db.models import DBTaskResult

    from coproduce.apps.conversations.models import Statement, Vote, VoteEvent

    print(
        json.dumps(
            {
                "vote_events": VoteEvent.objects.count(),
                "votes": Vote.objects.count(),
                # Seeds are the officer's; residents here have no account.
                "resident_statements": Statement.objects.filter(
                    author__user__isnull=True
                ).count(),
                "tasks_queued": DBTaskResult.objects.count(),
            }
        )
    )


def _warm_up(paths: list[str], n_requests: int = 16) -> float:
    """Load each page a few times before measuring: a gunicorn worker's first
    request imports and compiles templates (tens of seconds on a busy machine),
    which would otherwise be the smoke run's whole measurement."""
    import urllib.request

    started = time.monotonic()
    for _ in range(n_requests):
        for path in paths:
            with urllib.request.urlopen(urljoin(HOST, path), timeout=120) as answer:  # noqa: S310 - our own server on 127.0.0.1
                answer.read()
    return time.monotonic() - started


# --- Reading the voting page as a browser would ---------------------------------


class _VotingPage(HTMLParser):
    """The voting form (hidden fields and the vote buttons), the link to add a
    statement, the statement form, and the error summary's messages."""

    def __init__(self) -> None:
        super().__init__()
        self.form: str | None = None  # "vote" or "statement" while inside one
        self.vote_action = ""
        self.vote_fields: list[tuple[str, str]] = []
        self.vote_buttons: list[str] = []
        self.statement_action = ""
        self.statement_fields: list[tuple[str, str]] = []
        self.statement_textarea = ""
        self.add_statement_href = ""
        self.in_error_list = False
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            is_statement = "/statements/new/" in a.get("action", "")
            self.form = "statement" if is_statement else "vote"
            if is_statement:
                self.statement_action = a.get("action", "")
            else:
                self.vote_action = a.get("action", "")
        elif tag == "a" and a.get("href", "").endswith("/statements/new/"):
            self.add_statement_href = a["href"]
        elif tag == "ul" and "govuk-error-summary__list" in a.get("class", ""):
            self.in_error_list = True
        elif self.form == "vote":
            if tag == "input" and a.get("type") == "hidden":
                self.vote_fields.append((a.get("name", ""), a.get("value", "")))
            elif tag == "button" and a.get("name") == "vote":
                self.vote_buttons.append(a.get("value", ""))
        elif self.form == "statement":
            if tag == "input" and a.get("type") == "hidden":
                self.statement_fields.append((a.get("name", ""), a.get("value", "")))
            elif tag == "textarea":
                self.statement_textarea = a.get("name", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.form = None
        elif tag == "ul":
            self.in_error_list = False

    def handle_data(self, data: str) -> None:
        if self.in_error_list and data.strip():
            self.errors.append(data.strip())

    @property
    def statement_number(self) -> str:
        return dict(self.vote_fields).get("statement", "")


def _page(html: str) -> _VotingPage:
    parser = _VotingPage()
    parser.feed(html)
    return parser


# --- The load run ---------------------------------------------------------------


class Tally:
    """What the residents were told: acknowledged votes and statements."""

    def __init__(self) -> None:
        self.votes = 0
        self.statements = 0
        self.pairs: set[tuple[int, str]] = set()  # (resident, statement number)
        self.residents = itertools.count()


def run_load(
    vote_path: str, bare_path: str, users: int, duration_s: int, bare_duration_s: int
) -> tuple[Tally, int]:
    import gevent
    from locust import HttpUser, constant, task
    from locust.env import Environment

    tally = Tally()
    vote_url = urljoin(HOST, vote_path)
    deadline = {"at": 0.0}

    class Resident(HttpUser):
        wait_time = constant(0)
        host = HOST

        def _get(self, url: str, name: str) -> _VotingPage | None:
            with self.client.get(url, name=name, catch_response=True) as response:
                if response.status_code != 200:
                    response.failure(_failure(response))
                    return None
                return _page(response.text)

        def _post(
            self, url: str, fields: list[tuple[str, str]], name: str, referer: str
        ) -> bool:
            """POST a form; True when it answered with the redirect to the
            voting page, which the resident then follows."""
            with self.client.post(
                url,
                data=fields,
                headers={"Referer": referer},
                name=name,
                allow_redirects=False,
                catch_response=True,
            ) as response:
                location = response.headers.get("Location", "")
                if response.status_code != 302 or urljoin(url, location) != vote_url:
                    response.failure(_failure(response))
                    return False
            return True

        @task
        def visit(self) -> None:
            self.client.cookies.clear()  # a new resident, without an account
            resident = next(tally.residents)
            page = self._get(vote_url, "voting page")
            n_votes = random.randint(1, MAX_VOTES_PER_VISIT)  # noqa: S311
            adds_statement = random.random() < STATEMENT_SHARE  # noqa: S311
            for _vote in range(n_votes):
                # When time is up, stop after the current answer, so every
                # vote the server took had its answer delivered.
                if page is None or time.monotonic() > deadline["at"]:
                    return
                if not page.vote_buttons:  # seen every statement: thank you page
                    break
                number = page.statement_number
                choice = random.choice(page.vote_buttons)  # noqa: S311
                fields = [*page.vote_fields, ("vote", choice)]
                if not self._post(
                    urljoin(vote_url, page.vote_action), fields, "vote (POST)", vote_url
                ):
                    return
                tally.votes += 1
                tally.pairs.add((resident, number))
                page = self._get(vote_url, "voting page after a vote")
            if page is not None and adds_statement and page.add_statement_href:
                self._add_statement(urljoin(vote_url, page.add_statement_href))

        def _add_statement(self, form_url: str) -> None:
            form = self._get(form_url, "statement form")
            if form is None or not form.statement_textarea:
                return
            text = f"Resident statement {secrets.token_hex(6)}: more benches, ŵ ŷ."
            fields = [*form.statement_fields, (form.statement_textarea, text)]
            action = urljoin(form_url, form.statement_action or form_url)
            if self._post(action, fields, "statement (POST)", form_url):
                tally.statements += 1
                self._get(vote_url, "voting page after a statement")

    class BareVisitor(HttpUser):
        wait_time = constant(0)
        host = HOST

        @task
        def bare(self) -> None:
            self.client.get(bare_path, name="bare page")

    def run(user_class: type[HttpUser], seconds: int) -> object:
        deadline["at"] = time.monotonic() + seconds
        # stop_timeout: when time is up, each user finishes its current request
        # (see the deadline in visit()) rather than being killed mid-vote.
        environment = Environment(user_classes=[user_class], stop_timeout=60)
        runner = environment.create_local_runner()
        runner.start(users, spawn_rate=SPAWN_RATE)
        gevent.spawn_later(seconds, runner.quit)
        runner.greenlet.join()
        return environment.stats

    vote_stats = run(Resident, duration_s)
    bare_stats = run(BareVisitor, bare_duration_s)

    def report(label: str, stats: object, seconds: int) -> float:
        total = stats.total  # type: ignore[attr-defined]
        rps = total.num_requests / seconds
        print(
            f"{label}: {total.num_requests} requests in {seconds} s = {rps:.1f}/s, "
            f"errors {total.num_failures}, median {total.median_response_time:.0f} ms, "
            f"95th {total.get_response_time_percentile(0.95):.0f} ms, "
            f"99th {total.get_response_time_percentile(0.99):.0f} ms"
        )
        return float(rps)

    voting_rps = report("Voting (all requests)", vote_stats, duration_s)
    for name in (
        "vote (POST)",
        "voting page",
        "voting page after a vote",
        "statement (POST)",
    ):
        entry = vote_stats.entries.get((name, "POST" if "POST" in name else "GET"))  # type: ignore[attr-defined]
        if entry is not None and entry.num_requests:
            print(
                f"   {name}: {entry.num_requests} requests, errors "
                f"{entry.num_failures}, median {entry.median_response_time:.0f} ms, "
                f"95th {entry.get_response_time_percentile(0.95):.0f} ms"
            )
    bare_rps = report("Bare Django page     ", bare_stats, bare_duration_s)
    errors = list(vote_stats.errors.values()) + list(bare_stats.errors.values())  # type: ignore[attr-defined]
    for error in errors:
        print(
            f"   error {error.method} {error.name}: {error.error} "
            f"({error.occurrences}×)"
        )
    print(
        f"Votes acknowledged: {tally.votes} ({tally.votes / duration_s:.1f} votes/s) "
        f"by {len({resident for resident, _ in tally.pairs})} residents; "
        f"own statements acknowledged: {tally.statements}"
    )
    print(
        "Request throughput ratio, voting requests / bare page: "
        f"{voting_rps / bare_rps:.2f}"
    )
    n_errors = sum(error.occurrences for error in errors)
    return tally, n_errors


def _failure(response: object) -> str:
    """An error's kind: the status and, for a re-rendered page, its message."""
    status = response.status_code  # type: ignore[attr-defined]
    if status == 0:
        return f"no response: {type(response.error).__name__}"  # type: ignore[attr-defined]
    messages = _page(response.text).errors if status < 500 else []  # type: ignore[attr-defined]
    return f"HTTP {status}" + (f": {messages[0]}" if messages else "")


def _database_url(args: argparse.Namespace) -> str:
    if args.smoke:
        directory = Path(tempfile.mkdtemp(prefix="coproduce-vote-smoke-"))
        return f"sqlite:///{directory / 'bench.sqlite3'}"
    return os.environ.get("COPRODUCE_BENCH_DATABASE_URL", "")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--count", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--recreate", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--users", type=int, default=USERS)
    parser.add_argument("--duration", type=int, default=DURATION_S)
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="10 users for 15 s on a throw-away SQLite file",
    )
    args = parser.parse_args()
    if args.prepare:
        prepare()
        return 0
    if args.count:
        count_stored()
        return 0
    if args.recreate:
        recreate_database(os.environ["DATABASE_URL"])
        print(json.dumps({"recreated": True}))
        return 0

    users, duration_s, bare_duration_s = args.users, args.duration, BARE_DURATION_S
    if args.smoke:
        users, duration_s = SMOKE["users"], SMOKE["duration"]
        bare_duration_s = SMOKE["bare_duration"]
    database_url = _database_url(args)
    if not database_url.startswith(("postgres", "sqlite")):
        print(
            "Set COPRODUCE_BENCH_DATABASE_URL=postgres://user:password@127.0.0.1/"
            "coproduce_bench (a database this script may drop and recreate), or "
            "sqlite:////tmp/coproduce_bench.sqlite3; or run with --smoke."
        )
        return 2
    env = django_env(
        database_url,
        host=HOST,
        var_dir=str(Path(tempfile.gettempdir()) / "coproduce-vote-load"),
        extra=LIMITS,
    )
    server_log = Path(tempfile.gettempdir()) / "coproduce-vote-load-server.log"
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
            # Tracebacks go to a file: under load a failing page would bury
            # the report.
            "--error-logfile",
            str(server_log),
        ],
        env=env,
        cwd=ROOT,
        stderr=subprocess.STDOUT,
        stdout=server_log.open("w"),
    )
    try:
        wait_for_port(PORT)
        warm_up_s = _warm_up([str(paths["vote"]), str(paths["bare"])])
        database = str(paths["database"])
        print(
            f"{users} users for {duration_s} s against {HOST} "
            f"(gunicorn, 4 workers × 8 threads, {database}; "
            f"{N_STATEMENTS} seed statements), after a warm-up of "
            f"{warm_up_s:.0f} s"
        )
        if database == "sqlite3":
            print(
                "Note: SQLite serialises writes (one writer at a time, the others "
                "wait up to 20 s), so these figures say little about PostgreSQL."
            )
        print(
            "Abuse limits raised for the run (every resident is 127.0.0.1): "
            + ", ".join(f"{name}={value}" for name, value in LIMITS.items())
        )
        print(
            f"Tasks: {paths['tasks_backend']} with no worker running, so anything "
            "the votes enqueue (opinion-map recomputes) queues and does not run "
            "during the load."
        )
        tally, n_errors = run_load(
            str(paths["vote"]), str(paths["bare"]), users, duration_s, bare_duration_s
        )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    stored = run_child(__file__, "count", env)
    print(f"Tasks queued during the run (not run): {stored['tasks_queued']}")
    checks = [
        (
            "VoteEvent rows = acknowledged votes + own statements",
            stored["vote_events"],
            tally.votes + tally.statements,
        ),
        (
            "Vote rows = distinct (resident, statement) pairs + own statements",
            stored["votes"],
            len(tally.pairs) + tally.statements,
        ),
        (
            "Resident statements stored = acknowledged",
            stored["resident_statements"],
            tally.statements,
        ),
    ]
    is_consistent = True
    for label, found, expected in checks:
        verdict = "equal" if found == expected else "NOT EQUAL"
        is_consistent = is_consistent and found == expected
        print(f"{label}: stored {found}, acknowledged {expected}: {verdict}")
    if tally.votes == 0:
        print("No vote was acknowledged: the run measured nothing.")
        return 1
    if n_errors:
        print(f"{n_errors} requests failed; the server's log is {server_log}.")
    return 0 if is_consistent and not n_errors else 1


if __name__ == "__main__":
    sys.exit(main())
