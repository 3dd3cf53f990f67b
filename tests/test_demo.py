"""`amp-tui demo` in a terminal: signed in at once, and leaving no trace.

The Pilot tests open the editor exactly as the command does, on a fresh
throwaway demo database. The process tests run the real command in a
pseudo-terminal at 80×24 and check that its database folder is gone however
the demo ends: quit, crash, SIGTERM, or a hang-up as when SSH drops.
"""

from __future__ import annotations

import errno
import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from textual.widgets import Input

from amp_tui.accounts import create_account, load_account_by_login
from amp_tui.cli import demo_login
from amp_tui.demo import demo_database
from amp_tui.errors import NotFoundError
from amp_tui.snapshots import Actor
from screens.account import AccountScreen
from tests.app_driver import account_screen, field_value, running_app

SUPPORT = Actor(login="support.amp", role="support")
ESCAPE_SEQUENCE = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07]*\x07|[@-_])")
TIMEOUT = 60.0


class Boom(Exception):
    """A bug inside the app, for the crash test."""


async def test_demo_opens_signed_in_as_the_demo_buyer_on_their_account() -> None:
    with demo_database() as (db, _):
        async with running_app(db, sign_in_as=demo_login("buyer")) as pilot:
            screen = account_screen(pilot)
            entity = str(screen.query_one("#entity").render())

            assert pilot.app.screen is screen
            assert str(screen.query_one("#title").render()) == "Mon compte personnel"
            assert entity == "Entité : CEA - Collectivité européenne d'Alsace"
            assert field_value(pilot, "login") == "acheteur.cea"


async def test_demo_as_support_opens_signed_in_on_the_support_home() -> None:
    with demo_database() as (db, _):
        async with running_app(db, sign_in_as=demo_login("support")) as pilot:
            home = pilot.app.screen
            actor = getattr(home, "actor", None)

            assert not isinstance(home, AccountScreen)
            assert isinstance(actor, Actor)
            assert (actor.login, actor.is_support) == ("support.amp", True)
            assert isinstance(pilot.app.focused, Input)


async def test_a_crash_of_the_app_still_deletes_the_demo_database() -> None:
    def explode() -> None:
        raise Boom("a bug")

    with pytest.raises(Boom), demo_database() as (db, path):
        async with running_app(db, sign_in_as=demo_login("buyer")) as pilot:
            pilot.app.call_later(explode)
            await pilot.pause()

    assert not path.parent.exists()


def test_two_demos_at_once_have_their_own_databases() -> None:
    with demo_database() as (first, first_path), demo_database() as (second, _):
        create_account(
            first,
            actor=SUPPORT,
            login="invite.demo",
            email="invite.demo@example.fr",
            nom="INVITÉ",
            prenom="Démo",
            password="Invite-Demo-2026",
            entite="CEA",
        )

        assert load_account_by_login(first, actor=SUPPORT, login="invite.demo")
        with pytest.raises(NotFoundError):
            load_account_by_login(second, actor=SUPPORT, login="invite.demo")
        assert first_path.exists()

    assert not first_path.parent.exists()


@dataclass
class TerminalDemo:
    """`amp-tui demo` running in a pseudo-terminal of its own."""

    pid: int
    terminal: int
    """The controlling side of the pseudo-terminal, or -1 once hung up."""
    output: str = ""
    """Everything the demo wrote to its terminal."""
    exit_code: int | None = None
    """How the demo ended, once it has."""

    def read(self, seconds: float) -> None:
        """Collect what the demo draws for up to ``seconds``."""
        ready, _, _ = select.select([self.terminal], [], [], seconds)
        if not ready:
            return
        try:
            data = os.read(self.terminal, 65536)
        except OSError as error:  # the demo closed its terminal
            if error.errno != errno.EIO:
                raise
            time.sleep(seconds)
            return
        self.output += data.decode("utf-8", "replace")

    def wait_for_text(self, text: str) -> None:
        """Read until ``text`` is on the screen."""
        deadline = time.monotonic() + TIMEOUT
        while text not in ESCAPE_SEQUENCE.sub("", self.output):
            assert time.monotonic() < deadline, f"never shown: {text!r}"
            self.read(0.2)

    def type(self, keys: str) -> None:
        """Type on the demo's keyboard."""
        os.write(self.terminal, keys.encode())

    def hang_up(self) -> None:
        """Drop the terminal, as a lost SSH connection does."""
        os.close(self.terminal)
        self.terminal = -1

    def wait_for_exit(self) -> int:
        """The demo's exit status, once it has stopped."""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.exit_code = os.waitstatus_to_exitcode(status)
                return self.exit_code
            if self.terminal >= 0:
                self.read(0.2)
            else:
                time.sleep(0.2)
        raise AssertionError("the demo did not stop")


@contextmanager
def terminal_demo(temp: Path, *args: str) -> Iterator[TerminalDemo]:
    """Start `amp-tui demo ARGS` in an 80×24 pseudo-terminal.

    Its throwaway folder is created under ``temp``; the demo is killed at the
    end if a test left it running.
    """
    command = [sys.executable, "-m", "amp_tui", "demo", *args]
    env = {**os.environ, "TMPDIR": str(temp), "TERM": "xterm-256color"}
    pid, terminal = pty.fork()
    if pid == 0:  # the child: the demo, session leader of its own terminal
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        os.execve(sys.executable, command, env)
    demo = TerminalDemo(pid=pid, terminal=terminal)
    try:
        yield demo
    finally:
        if demo.exit_code is None:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        if demo.terminal >= 0:
            os.close(demo.terminal)


def demo_folders(temp: Path) -> list[Path]:
    """The throwaway demo folders that exist under ``temp``."""
    return sorted(temp.glob("amp-tui-demo-*"))


def test_quitting_the_demo_deletes_its_database(tmp_path: Path) -> None:
    with terminal_demo(tmp_path, "--as", "support") as demo:
        demo.wait_for_text("support.amp (support)")
        assert len(demo_folders(tmp_path)) == 1

        demo.type("\x11")  # ctrl+q

        assert demo.wait_for_exit() == 0
    assert demo_folders(tmp_path) == []


def test_two_demos_run_at_once_and_each_leaves_with_its_own_database(
    tmp_path: Path,
) -> None:
    with terminal_demo(tmp_path) as first, terminal_demo(tmp_path) as second:
        first.wait_for_text("Mon compte personnel")
        second.wait_for_text("Mon compte personnel")
        both = demo_folders(tmp_path)

        first.type("\x11")

        assert first.wait_for_exit() == 0
        assert len(both) == 2
        assert [folder.exists() for folder in both].count(True) == 1
        second.type("\x11")
        assert second.wait_for_exit() == 0
    assert demo_folders(tmp_path) == []


@pytest.mark.parametrize("stop", ["SIGTERM", "hang-up"])
def test_a_demo_that_is_told_to_stop_deletes_its_database(
    tmp_path: Path, stop: str
) -> None:
    with terminal_demo(tmp_path) as demo:
        demo.wait_for_text("Mon compte personnel")
        assert len(demo_folders(tmp_path)) == 1

        if stop == "SIGTERM":
            os.kill(demo.pid, signal.SIGTERM)
        else:
            demo.hang_up()  # the kernel sends SIGHUP to the demo

        code = demo.wait_for_exit()
    assert demo_folders(tmp_path) == []
    assert code == 128 + (signal.SIGTERM if stop == "SIGTERM" else signal.SIGHUP)


def test_the_screenshot_script_saves_one_picture_per_tab(tmp_path: Path) -> None:
    script = Path(__file__).resolve().parent.parent / "tools" / "screenshots.py"

    result = subprocess.run(
        [sys.executable, str(script), "--output", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT * 2,
        check=False,
    )
    pictures = {path.name: path.read_text() for path in tmp_path.glob("*.svg")}

    assert result.returncode == 0, result.stderr
    assert sorted(pictures) == [
        "alertes.svg",
        "comptes-associes.svg",
        "coordonnees.svg",
        "lieux-execution.svg",
    ]
    assert all("Mon&#160;compte&#160;personnel" in svg for svg in pictures.values())
    assert len(set(pictures.values())) == len(pictures)
