"""Support staff over SSH: the wrapper script, and docs/ssh.md end to end.

The wrapper tests run ``deploy/amp-tui-ssh`` in a pseudo-terminal with a
stand-in editor that prints its environment. The end-to-end tests start a
real ``sshd`` on 127.0.0.1 with the ``Match`` block of the guide, as written,
and drive a real ``ssh`` client in an 80×24 tmux pane: sign in to amp-tui,
find an account, edit it, save, quit, then read the database.

They need root (to start sshd and create the test user), openssh-server,
openssh-client and tmux; without them they are skipped with the reason,
except under CI, where a missing piece is a failure.
"""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from amp_tui.accounts import load_account_by_login
from amp_tui.audit import list_events
from amp_tui.database import Database
from amp_tui.demo import DEMO_PASSWORD
from tests.factories import SUPPORT
from tests.ssh_host import SshHost, ssh_host_or_skip

ROOT = Path(__file__).resolve().parent.parent
WRAPPER = ROOT / "deploy" / "amp-tui-ssh"
SGR = re.compile(r"\x1b\[([0-9;:]*)m")
# The colour parameters a 16-colour terminal understands, and among them the
# shades of grey, which are all that is left when colours are turned off.
SIXTEEN_COLOURS = {str(n) for n in [*range(30, 38), *range(40, 48), 39, 49]} | {
    str(n) for n in [*range(90, 98), *range(100, 108)]
}
GREYS = {"30", "37", "39", "40", "47", "49", "90", "97", "100", "107"}


# --- The wrapper alone --------------------------------------------------------


def run_in_terminal(argv: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run ``argv`` with a pseudo-terminal as its terminal; return status, output."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        argv, stdin=follower, stdout=follower, stderr=follower, env=env
    )
    os.close(follower)
    output = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 10)
        if not ready:
            process.kill()
            break
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closes when the program ends
            break
        if not chunk:
            break
        output += chunk
    os.close(leader)
    return process.wait(timeout=10), output.decode().replace("\r\n", "\n")


@pytest.fixture
def stand_in(tmp_path: Path) -> Path:
    """A program that prints the environment it was started with."""
    program = tmp_path / "show-env"
    program.write_text("#!/bin/sh\nenv | sort\n")
    program.chmod(0o755)
    return program


def settings(tmp_path: Path, text: str) -> Path:
    """Write a wrapper settings file."""
    path = tmp_path / "env"
    path.write_text(text)
    return path


def started_with(stand_in: Path, tmp_path: Path, **client: str) -> dict[str, str]:
    """The environment the editor gets from the wrapper, given the client's."""
    env_file = settings(
        tmp_path,
        "# site settings\n"
        "AMP_TUI_DATABASE_URL=sqlite:////srv/amp/amp.db\n"
        f'AMP_TUI_COMMAND="{stand_in}"\n',
    )
    env = {"PATH": os.defpath, **client}
    status, output = run_in_terminal([str(WRAPPER), str(env_file)], env)
    assert status == 0, output
    return dict(line.split("=", 1) for line in output.splitlines() if "=" in line)


def test_the_shipped_wrapper_is_an_executable_posix_script() -> None:
    assert os.access(WRAPPER, os.X_OK)
    assert WRAPPER.read_text().startswith("#!/bin/sh\n")
    assert subprocess.run(["sh", "-n", str(WRAPPER)], check=False).returncode == 0


def test_the_wrapper_refuses_to_start_without_a_terminal(
    stand_in: Path, tmp_path: Path
) -> None:
    env_file = settings(
        tmp_path, f"AMP_TUI_DATABASE_URL=sqlite:///x.db\nAMP_TUI_COMMAND={stand_in}\n"
    )

    result = subprocess.run(
        [str(WRAPPER), str(env_file)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert "un terminal est nécessaire" in result.stderr
    assert "ssh -t" in result.stderr


def test_the_wrapper_hands_the_database_url_and_a_usable_terminal_to_amp_tui(
    stand_in: Path, tmp_path: Path
) -> None:
    env = started_with(stand_in, tmp_path, TERM="", NO_COLOR="", COLORTERM="")

    assert env["AMP_TUI_DATABASE_URL"] == "sqlite:////srv/amp/amp.db"
    assert env["TERM"] == "xterm"
    assert env["LANG"] == "C.UTF-8"
    assert "NO_COLOR" not in env
    assert "COLORTERM" not in env


def test_no_color_sent_by_the_client_turns_colours_off(
    stand_in: Path, tmp_path: Path
) -> None:
    env = started_with(
        stand_in, tmp_path, TERM="xterm-256color", NO_COLOR="1", COLORTERM="truecolor"
    )

    assert env["NO_COLOR"] == "1"
    assert env["TERM"] == "xterm-256color"
    assert "COLORTERM" not in env


@pytest.mark.parametrize(
    ("term", "colorterm", "kept"),
    [
        ("xterm-256color", "truecolor", "truecolor"),
        ("linux", "truecolor", None),
        ("xterm-256color", "yes", None),
        ("xterm-direct", "", "truecolor"),
    ],
)
def test_colorterm_is_kept_only_where_it_makes_sense(
    stand_in: Path, tmp_path: Path, term: str, colorterm: str, kept: str | None
) -> None:
    env = started_with(stand_in, tmp_path, TERM=term, COLORTERM=colorterm)

    assert env.get("COLORTERM") == kept


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("PATH=/tmp\n", "variable inconnue"),
        ("AMP_TUI_COMMAND=/bin/true\n", "aucune base configurée"),
        ("AMP_TUI_DATABASE_URL\n", "ligne invalide"),
    ],
)
def test_the_wrapper_stops_on_bad_settings_with_one_line(
    tmp_path: Path, text: str, message: str
) -> None:
    env_file = settings(tmp_path, text)

    status, output = run_in_terminal(
        [str(WRAPPER), str(env_file)], {"PATH": os.defpath, "TERM": "xterm"}
    )

    assert status == 78
    assert message in output
    assert output.count("\n") == 1


# --- End to end, through sshd -------------------------------------------------


@pytest.fixture(scope="module")
def ssh_host() -> Iterator[SshHost]:
    """sshd on 127.0.0.1 with the guide's Match block, and a test user."""
    yield from ssh_host_or_skip()


@pytest.fixture(params=["sqlite", "postgresql"])
def remote_db(
    request: pytest.FixtureRequest, ssh_host: SshHost, tmp_path: Path
) -> Iterator[Database]:
    """The demo dataset in a database the test user's amp-tui can open."""
    from tests.conftest import make_database

    if request.param == "sqlite":
        db = ssh_host.sqlite_demo_database()
        yield db
        db.dispose()
        return
    databases = make_database("postgresql", tmp_path, request)
    db = next(databases)
    from amp_tui.demo import seed_demo

    seed_demo(db)
    yield db
    next(databases, None)


def colour_parameters(screen: str) -> set[str]:
    """Every colour parameter of the SGR sequences on a captured screen."""
    found: set[str] = set()
    for match in SGR.finditer(screen):
        params = match.group(1).replace(":", ";").split(";")
        found.update(p for p in params if p and p not in {"0", "1", "2", "3", "4", "7"})
    return found


def test_support_finds_and_edits_an_account_over_ssh_in_16_colours(
    ssh_host: SshHost, remote_db: Database
) -> None:
    # A site that wants 16 colours for everybody, whatever their terminal.
    ssh_host.configure(remote_db, TEXTUAL_COLOR_SYSTEM="standard")

    with ssh_host.session(TERM="xterm-256color") as pane:
        pane.wait_for("Identifiant")
        pane.type("support.amp")
        pane.keys("Tab")
        pane.type(DEMO_PASSWORD)
        pane.keys("Enter")
        pane.wait_for("Rechercher un compte")
        pane.type("acheteur.barr")
        pane.wait_for("1 compte.")
        pane.keys("Enter")
        pane.wait_for("Mon compte personnel")
        pane.keys("Home", "C-k")
        pane.type("FRITSCH-SCHNEIDER")
        pane.keys("C-s")
        pane.wait_for("Modifications enregistrées.")
        colours = colour_parameters(pane.screen(escapes=True))
        pane.keys("C-q")
        pane.wait_for("[ssh exited 0]")

    stored = load_account_by_login(remote_db, actor=SUPPORT, login="acheteur.barr")
    last = list_events(remote_db, login="acheteur.barr")[-1]
    assert stored.nom == "FRITSCH-SCHNEIDER"
    assert (last.actor, last.action) == ("support.amp", "modification")
    assert last.changes == {"nom": {"old": "FRITSCH", "new": "FRITSCH-SCHNEIDER"}}
    assert colours <= SIXTEEN_COLOURS, colours


def test_no_color_sent_over_ssh_leaves_only_shades_of_grey(
    ssh_host: SshHost, remote_db: Database
) -> None:
    ssh_host.configure(remote_db)

    with ssh_host.session(TERM="xterm", NO_COLOR="1") as pane:
        pane.wait_for("Identifiant")
        colours = colour_parameters(pane.screen(escapes=True))
        pane.keys("C-q")
        pane.wait_for("[ssh exited 0]")

    assert colours <= GREYS, colours


def test_a_session_without_a_terminal_is_refused_with_one_line(
    ssh_host: SshHost,
) -> None:
    result = ssh_host.run_ssh("-T")

    assert result.returncode == 2
    assert "un terminal est nécessaire" in result.stderr


def test_the_match_block_refuses_port_forwarding(ssh_host: SshHost) -> None:
    result = ssh_host.run_ssh(
        "-N", "-o", "ExitOnForwardFailure=yes", "-R", "127.0.0.1:0:127.0.0.1:9"
    )

    assert result.returncode != 0
    assert "forwarding failed" in result.stderr
