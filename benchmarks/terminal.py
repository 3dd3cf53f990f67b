"""A program in a real pseudo-terminal, read frame by frame as a terminal would.

The program gets an 80×24 pseudo-terminal of its own and this module plays
the terminal: it answers Textual's question about synchronized output, so
that every frame arrives between a begin and an end marker, keeps the
screen's contents with pyte, and timestamps every byte it reads. From that
the benchmarks get the time to a given frame, the bytes a key press costs,
and the program's peak resident memory.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import sys
import termios
import time
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field

import pyte

SIZE = (80, 24)
SYNC_QUERY = b"\x1b[?2026$p"
SYNC_REPLY = b"\x1b[?2026;2$y"
FRAME_END = b"\x1b[?2026l"
TIMEOUT = 60.0

KEYS = {
    "tab": b"\t",
    "enter": b"\r",
    "space": b" ",
    "backspace": b"\x7f",
    "escape": b"\x1b",
    "f2": b"\x1bOQ",
    "f3": b"\x1bOR",
    "f4": b"\x1bOS",
    "f5": b"\x1b[15~",
    "up": b"\x1b[A",
    "down": b"\x1b[B",
    "right": b"\x1b[C",
    "left": b"\x1b[D",
    "home": b"\x1b[H",
    "end": b"\x1b[F",
    "ctrl+q": b"\x11",
    "ctrl+s": b"\x13",
}
"""What a terminal sends for the keys the benchmarks press."""


@dataclass
class Frame:
    """One frame: when its end marker arrived and how many bytes it took."""

    at: float
    size: int


@dataclass
class Terminal:
    """A child process on a pseudo-terminal, and what it has drawn so far."""

    pid: int
    fd: int
    started: float
    screen: pyte.Screen
    stream: pyte.ByteStream
    frames: list[Frame] = field(default_factory=list)
    received: int = 0
    _pending: bytes = b""
    _frame_bytes: int = 0

    @classmethod
    def spawn(
        cls, argv: Sequence[str], *, env: dict[str, str] | None = None
    ) -> Terminal:
        """Start ``argv`` on a new 80×24 pseudo-terminal, as its session leader."""
        columns, lines = SIZE
        environment = {**(os.environ if env is None else env)}
        environment.setdefault("TERM", "xterm-256color")
        # An SSH session seldom carries COLORTERM: draw as most remote users see.
        environment.pop("COLORTERM", None)
        started = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:  # the child
            try:
                fcntl.ioctl(
                    0, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0)
                )
                os.execvpe(argv[0], list(argv), environment)
            finally:
                os._exit(127)
        screen = pyte.Screen(columns, lines)
        return cls(pid, fd, started, screen, pyte.ByteStream(screen))

    def read(self, seconds: float) -> None:
        """Read whatever arrives during ``seconds``."""
        deadline = time.perf_counter() + seconds
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                return
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                self._read_available()

    def _read_available(self) -> None:
        try:
            data = os.read(self.fd, 65536)
        except OSError:  # the child closed the terminal
            data = b""
        if not data:
            raise ProgramExited(self.exit_status())
        now = time.perf_counter()
        self.received += len(data)
        self.stream.feed(data)
        buffer = self._pending + data
        if SYNC_QUERY in buffer:
            os.write(self.fd, SYNC_REPLY)
        self._frame_bytes += len(data)
        ends = buffer.count(FRAME_END)
        for _ in range(ends):
            self.frames.append(Frame(now, self._frame_bytes))
            self._frame_bytes = 0
        self._pending = buffer[-16:]

    def wait_for(
        self, ready: Callable[[str], bool], *, timeout: float = TIMEOUT
    ) -> Frame:
        """Read until a finished frame shows a screen that ``ready`` accepts."""
        deadline = time.perf_counter() + timeout
        seen = len(self.frames)
        while time.perf_counter() < deadline:
            ready_fds, _, _ = select.select([self.fd], [], [], 0.5)
            if ready_fds:
                self._read_available()
            if len(self.frames) > seen:
                seen = len(self.frames)
                if ready(self.text()):
                    return self.frames[-1]
        raise TimeoutError(f"no such frame within {timeout} s:\n{self.text()}")

    def text(self) -> str:
        """The screen as lines of text."""
        return "\n".join(self.screen.display)

    def press(self, key: str) -> float:
        """Send one key (a name of KEYS or a character); return when it was sent."""
        os.write(self.fd, KEYS.get(key, key.encode()))
        return time.perf_counter()

    def settle(self, quiet: float = 0.15, *, timeout: float = TIMEOUT) -> None:
        """Read until nothing arrives for ``quiet`` seconds."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            ready, _, _ = select.select([self.fd], [], [], quiet)
            if not ready:
                return
            self._read_available()

    def bytes_for(self, key: str, *, quiet: float = 0.1) -> int:
        """The bytes drawn in answer to one key, until the screen is still."""
        self.settle(quiet)
        before = self.received
        self.press(key)
        self.settle(quiet)
        return self.received - before

    def peak_memory_kib(self) -> int:
        """The child's peak resident memory (VmHWM), in KiB."""
        with open(f"/proc/{self.pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        raise RuntimeError("VmHWM missing from /proc (Linux only)")

    def exit_status(self) -> int | None:
        """The exit code once the child has ended, else None."""
        with suppress(ChildProcessError):
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                return os.waitstatus_to_exitcode(status)
        return None

    def close(self) -> None:
        """Kill the child if still there, and close the terminal."""
        with suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        with suppress(ChildProcessError):
            os.waitpid(self.pid, 0)
        with suppress(OSError):
            os.close(self.fd)


class ProgramExited(RuntimeError):
    """The program ended while the benchmark still read from it."""

    def __init__(self, status: int | None) -> None:
        super().__init__(f"the program ended (exit status {status})")


def python_command(*args: str) -> list[str]:
    """Run this Python, so that the child sees the same environment."""
    return [sys.executable, *args]
