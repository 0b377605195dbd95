"""The `fleet` command line: one Typer app, one module per command under `commands/`.

Start-up stays light: a command's module is imported, and Typer builds its parameters, only
when that command runs (or `--help` lists it), and command modules import their heavy
dependencies inside the command, so `fleet --help` loads neither pydantic models nor network
or GPU libraries.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import os
import signal
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from typer.core import TyperCommand, TyperGroup

from tools.core import __version__, cache, redact
from tools.core.errors import EXIT_INTERNAL, EXIT_USAGE, FleetError
from tools.fleet import environment

# In the order of the flow: desired state, checks, plan, deploy, verify; then helpers.
COMMANDS = (
    "registry",
    "init",
    "check",
    "render",
    "changed",
    "deploy",
    "smoke",
    "status",
    "release",
    "pipeline",
    "serve",
    "call",
    "down",
    "emulate",
)
_PLAIN = {"add_completion": False, "pretty_exceptions_enable": False, "rich_markup_mode": None}


class Commands(TyperGroup):
    """The commands, each built when it is first asked for: a command that does not run
    costs neither its import nor Typer's reading of its signature."""

    def list_commands(self, ctx: typer.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: typer.Context, cmd_name: str) -> TyperCommand | TyperGroup | None:
        if cmd_name not in COMMANDS:
            return None
        if cmd_name not in self.commands:
            self.commands[cmd_name] = _build(cmd_name)
        return self.commands[cmd_name]


def _build(name: str) -> TyperCommand | TyperGroup:
    module = importlib.import_module(f"tools.fleet.commands.{name}")
    entry = module.app if name == "registry" else getattr(module, name)
    if not isinstance(entry, typer.Typer):
        single = typer.Typer(**_PLAIN)
        single.command(name=name)(entry)
        entry = single
    command = typer.main.get_command(entry)
    assert isinstance(command, TyperCommand | TyperGroup)
    command.name = name
    return command


app = typer.Typer(
    name="fleet",
    cls=Commands,
    no_args_is_help=True,
    **_PLAIN,  # plain click help: importing rich costs more than the command
)


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


class Terminated(BaseException):
    """SIGTERM (a CI job cancelled, `kill`), raised in the main thread as Ctrl-C is: what a
    command started and had not finished is stopped on the way out."""


def _terminate(_number: int, _frame: object) -> None:
    raise Terminated


def main() -> None:
    """The one error handler: known errors are one line each and exit 2; anything unexpected
    is one line naming the log file that holds its traceback, and exit 3."""
    cache.use(environment.cache_folder())
    environment.without_pydantic_plugins()
    _mask_secrets()
    signal.signal(signal.SIGTERM, _terminate)
    try:
        code = app(prog_name="fleet", standalone_mode=False)  # errors come here, each in one line
        sys.exit(code if isinstance(code, int) else 0)
    except typer.TyperException as error:  # the command line itself: an option, a value
        _usage(error)
        sys.exit(EXIT_USAGE)
    except FleetError as error:
        for problem in error.problems:
            print(problem if problem.path is not None else f"fleet: {problem}", file=sys.stderr)
        sys.exit(EXIT_USAGE)
    except (KeyboardInterrupt, typer.Abort):
        print("fleet: interrupted", file=sys.stderr)
        sys.exit(130)
    except Terminated:
        print("fleet: terminated", file=sys.stderr)
        sys.exit(143)  # as a shell reports a command ended by SIGTERM
    except BrokenPipeError:
        # The reader went away (`fleet ... | head`): nothing more to say to it.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(141)  # as a shell reports a command ended by SIGPIPE
    except OSError as error:
        if error.filename is None:
            _internal(error)
        # The system refused a path it was given (too long, not allowed, a loop of links):
        # the input, not fleet, is wrong.
        print(f"{error.filename}: {error.strerror or error}", file=sys.stderr)
        sys.exit(EXIT_USAGE)
    except Exception as error:  # the last resort: a bug, told in one line
        _internal(error)
    finally:
        _unmask_streams()
        # The interpreter's last collection walks every object a command made, to no end:
        # freezing them spares it (a fifth of `fleet --version`, measured).
        gc.freeze()


def _internal(error: Exception) -> NoReturn:
    log = _write_crash_log()
    print(
        f"fleet: internal error ({type(error).__name__}); the traceback is in {log}",
        file=sys.stderr,
    )
    sys.exit(EXIT_INTERNAL)


def _usage(error: typer.TyperException) -> None:
    """A usage error in one line, naming the command; the help itself when none was given."""
    said = error.format_message() if hasattr(error, "format_message") else str(error)
    context = getattr(error, "ctx", None)
    if said.startswith("Usage:"):  # `fleet` alone: its help
        print(said, file=sys.stderr)
        return
    where = context.command_path if context is not None else "fleet"
    print(f"{where}: {' '.join(said.split())} (see {where} --help)", file=sys.stderr)


def _mask_secrets() -> None:
    """Whatever fleet prints, from any source (its own messages, the modal CLI, a server's
    answer), reaches the terminal with the environment's secrets masked."""
    redactor = redact.Redactor(os.environ)
    redact.use(redactor)
    if redactor:
        sys.stdout = redact.MaskedStream(sys.stdout)  # type: ignore[assignment]
        sys.stderr = redact.MaskedStream(sys.stderr)  # type: ignore[assignment]


def _unmask_streams() -> None:
    """The masked streams' last partial lines (a reader that went away takes nothing), and
    the streams as they were."""
    if isinstance(sys.stdout, redact.MaskedStream):
        with contextlib.suppress(OSError, ValueError):
            sys.stdout.flush()
        sys.stdout = sys.stdout.wrapped
    if isinstance(sys.stderr, redact.MaskedStream):
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.flush()
        sys.stderr = sys.stderr.wrapped


def _write_crash_log() -> Path | str:
    import traceback

    text = redact.mask(
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
