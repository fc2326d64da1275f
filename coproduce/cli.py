"""The `coproduce` command: demo, serve, worker, and `manage …` passthrough.

Settings default to `coproduce.config.settings.dev` (SQLite under var/); set
DJANGO_SETTINGS_MODULE=coproduce.config.settings.prod in production.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # Imported lazily at run time: `coproduce --help` should stay fast.
    from rich.console import Console

DEFAULT_SETTINGS = "coproduce.config.settings.dev"


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    import django

    django.setup()


def _manage(*args: str) -> None:
    from django.core.management import call_command

    call_command(*args)


def _run_together(commands: list[list[str]]) -> int:
    """Run processes side by side; stop them all when one ends or on Ctrl-C."""
    processes = [subprocess.Popen(command) for command in commands]  # noqa: S603
    try:
        while all(process.poll() is None for process in processes):
            try:
                processes[0].wait(timeout=1)
            except subprocess.TimeoutExpired:
                continue
    except KeyboardInterrupt:
        pass
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
    return max((process.returncode or 0) for process in processes)


def _manage_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "coproduce.cli", "manage", *args]


def prepare_database(*, with_demo: bool) -> None:
    """Migrate, create the cache table and (optionally) load the demo council."""
    from rich.console import Console

    console = Console()
    with console.status("Applying database migrations…"):
        _manage("migrate", "--no-input", "--verbosity", "0")
        _manage("createcachetable", "--verbosity", "0")
    console.print("[green]✓[/green] Database ready")
    if with_demo:
        from coproduce.demo.builder import demo_build

        with console.status("Loading the demo council (Cwm Afon)…"):
            logins = demo_build()
        console.print("[green]✓[/green] Demo data loaded")
        print_demo_logins(console, logins)


def print_demo_logins(console: Console, logins: Sequence[tuple[str, str, str]]) -> None:
    from rich.table import Table

    from coproduce.demo.builder import DEMO_PASSWORD

    table = Table(title=f"Demo log-ins (password for every account: {DEMO_PASSWORD})")
    table.add_column("Role")
    table.add_column("E-mail")
    table.add_column("Second factor")
    for role, email, mfa in logins:
        table.add_row(role, email, mfa)
    console.print(table)
    console.print(
        "Staff accounts need a code from an authenticator app. For the demo, print "
        "the current code with:\n  [bold].venv/bin/coproduce manage demo_totp_code "
        "EMAIL[/bold]"
    )


def cmd_demo(args: argparse.Namespace) -> int:
    _setup_django()
    from rich.console import Console

    prepare_database(with_demo=True)
    if args.no_serve:
        return 0
    address = f"127.0.0.1:{args.port}"
    Console().print(
        f"\nServing Coproduce on [bold]http://{address}[/bold] with one background "
        "worker. Press Ctrl-C to stop.\n"
    )
    return _run_together(
        [
            _manage_command("runserver", address, "--noreload"),
            _manage_command("db_worker", "--interval", "1"),
        ]
    )


def cmd_serve(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "coproduce.config.wsgi:application",
        "--bind",
        args.bind,
        "--workers",
        str(args.workers),
        # Longer than the idle timeout of the proxies in front (60 s for most
        # load balancers), so the proxy, not gunicorn, closes idle keep-alive
        # connections: otherwise a request sent as gunicorn closes one is lost
        # ("connection reset"), which the load benchmark showed under load.
        "--keep-alive",
        "75",
        "--access-logfile",
        "-",
    ]
    return subprocess.call(command)  # noqa: S603


def cmd_worker(args: argparse.Namespace) -> int:
    _setup_django()
    _manage("db_worker")
    return 0


def cmd_manage(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["coproduce manage", *args.arguments])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="coproduce",
        description="Coproduce: engage citizens and co-produce public services.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser(
        "demo", help="Migrate, load the demo council, and serve it with a worker."
    )
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument(
        "--no-serve", action="store_true", help="Prepare the demo but do not serve it."
    )
    demo.set_defaults(handler=cmd_demo)

    serve = commands.add_parser("serve", help="Serve the site with gunicorn.")
    serve.add_argument(
        "--bind", default=os.environ.get("COPRODUCE_BIND", "127.0.0.1:8000")
    )
    serve.add_argument("--workers", type=int, default=2)
    serve.set_defaults(handler=cmd_serve)

    worker = commands.add_parser(
        "worker", help="Run background tasks from the database queue."
    )
    worker.set_defaults(handler=cmd_worker)

    manage = commands.add_parser(
        "manage",
        help="Run a Django management command, e.g. `coproduce manage migrate`.",
    )
    manage.add_argument("arguments", nargs=argparse.REMAINDER)
    manage.set_defaults(handler=cmd_manage)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.handler(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
