"""The `fleet` command line: one Typer app, one module per command under `commands/`.

Start-up stays light: command modules import their heavy dependencies inside the command,
so `fleet --help` loads neither pydantic models nor network or GPU libraries.
"""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path
from typing import Annotated

import typer

from tools.core import __version__, cache
from tools.core.errors import EXIT_INTERNAL, EXIT_USAGE, FleetError
from tools.fleet import environment
from tools.fleet.commands import call as call_command
from tools.fleet.commands import changed as changed_command
from tools.fleet.commands import check as check_command
from tools.fleet.commands import deploy as deploy_command
from tools.fleet.commands import down as down_command
from tools.fleet.commands import pipeline as pipeline_command
from tools.fleet.commands import registry as registry_command
from tools.fleet.commands import release as release_command
from tools.fleet.commands import render as render_command
from tools.fleet.commands import serve as serve_command
from tools.fleet.commands import smoke as smoke_command
from tools.fleet.commands import status as status_command

app = typer.Typer(
    name="fleet",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain click help: importing rich costs more than the command
)
# In the order of the flow: desired state, checks, plan, deploy, verify; then helpers.
app.add_typer(registry_command.app, name="registry")
app.command(name="check")(check_command.check)
app.command(name="render")(render_command.render)
app.command(name="changed")(changed_command.changed)
app.command(name="deploy")(deploy_command.deploy)
app.command(name="smoke")(smoke_command.smoke)
app.command(name="status")(status_command.status)
app.command(name="release")(release_command.release)
app.command(name="pipeline")(pipeline_command.pipeline)
app.command(name="serve")(serve_command.serve)
app.command(name="call")(call_command.call)
app.command(name="down")(down_command.down)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"fleet {__version__}")
        raise typer.Exit()


@app.callback()
def fleet(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version."
        ),
    ] = False,
) -> None:
    """Release engineering for a fleet of Modal apps: registry, drift checks, deploys.

    Exit codes: 0 success, 1 findings or failed checks, 2 usage or configuration error,
    3 internal error (the traceback is written to a log file).
    """


def main() -> None:
    """The one error handler: known errors are one line each and exit 2; anything unexpected
    is one line naming the log file that holds its traceback, and exit 3."""
    cache.use(environment.cache_folder())
    try:
        app()
    except FleetError as error:
        for problem in error.problems:
            print(problem if problem.path is not None else f"fleet: {problem}", file=sys.stderr)
        sys.exit(EXIT_USAGE)
    except KeyboardInterrupt:
        print("fleet: interrupted", file=sys.stderr)
        sys.exit(130)
    except BrokenPipeError:
        # The reader went away (`fleet ... | head`): nothing more to say to it.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(141)  # as a shell reports a command ended by SIGPIPE
    except Exception as error:  # the last resort: a bug, told in one line
        log = _write_crash_log()
        print(
            f"fleet: internal error ({type(error).__name__}); the traceback is in {log}",
            file=sys.stderr,
        )
        sys.exit(EXIT_INTERNAL)


def _write_crash_log() -> Path | str:
    from tools.core.redact import Redactor

    text = Redactor(os.environ)(
        f"fleet {__version__}\nargs: {sys.argv[1:]!r}\ncwd: {os.getcwd()}\n\n"
        f"{traceback.format_exc()}"
    )
    for folder in (environment.fleet_folder(), Path(os.environ.get("TMPDIR", "/tmp"))):
        path = folder / "fleet.log"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        except OSError:
            continue
        return path
    return "(no writable folder for the log)"
