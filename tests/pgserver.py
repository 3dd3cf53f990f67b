"""A private PostgreSQL server that a test may stop and start at will.

Outage tests kill the database under a running app; doing that to the
suite's shared server would break every other test, so each such test
starts its own with Debian's server programs (found outside PATH, in
/usr/lib/postgresql/<version>/bin). Run as root, the server runs as the
``postgres`` user, which must own its data folder.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy.engine import URL


def server_program(name: str) -> str | None:
    """Find initdb, pg_ctl or postgres, on PATH or in Debian's folder."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PostgresServer:
    """One PostgreSQL server in a temporary folder, on a free port."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.data = folder / "data"
        self.port = free_port()
        self.url = URL.create(
            "postgresql+psycopg",
            username="postgres",
            host="127.0.0.1",
            port=self.port,
            database="postgres",
        )

    @classmethod
    @contextmanager
    def temporary(cls, tmp_path: Path) -> Iterator[PostgresServer]:
        """Start a fresh server; stop it and remove its files afterwards.

        Skips the test when the server programs are not installed.
        """
        if not (server_program("initdb") and server_program("pg_ctl")):
            pytest.skip("PostgreSQL server programs (initdb, pg_ctl) not installed")
        # Outside pytest's folders, which other runs may close to 0700 and
        # so lock the postgres user out of its own data.
        del tmp_path
        folder = Path(tempfile.mkdtemp(prefix="amp-tui-pg-"))
        server = cls(folder)
        try:
            server.initialise()
            server.start()
            yield server
        finally:
            server.stop()
            shutil.rmtree(folder, ignore_errors=True)

    def _run(self, *command: str) -> None:
        if os.geteuid() == 0:
            command = ("runuser", "-u", "postgres", "--", *command)
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def initialise(self) -> None:
        """Create the cluster, owned by the user the server runs as."""
        if os.geteuid() == 0:
            shutil.chown(self.folder, user="postgres")
        initdb = server_program("initdb")
        assert initdb is not None
        self._run(
            initdb,
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )

    def start(self) -> None:
        """Start (or restart) the server and wait until it accepts connections."""
        pg_ctl = server_program("pg_ctl")
        assert pg_ctl is not None
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder}"
            " -c fsync=off"
        )
        self._run(
            pg_ctl,
            "-D",
            str(self.data),
            "-l",
            str(self.folder / "server.log"),
            "-w",
            "-o",
            options,
            "start",
        )

    def stop(self) -> None:
        """Stop the server at once, as a crash or an outage would."""
        pg_ctl = server_program("pg_ctl")
        assert pg_ctl is not None
        if not (self.data / "postmaster.pid").exists():
            return
        self._run(pg_ctl, "-D", str(self.data), "-m", "immediate", "-w", "stop")
