"""A broken configuration gets one clear line and a non-zero exit, never a trace.

Each case runs the real command line in a child process, the way an operator
meets it: a URL that cannot work, an SQLite file that cannot be written, a
data directory that cannot be created, a database migrated by a newer
amp-tui. The editor itself (``amp-tui`` with no command) is checked too: it
must refuse before it takes over the terminal.
"""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import text

from amp_tui.database import Database

PR_CAPBSET_DROP = 24
CAP_DAC_OVERRIDE = 1
CAP_DAC_READ_SEARCH = 2


def without_root_override() -> None:
    """In the child: let file permissions apply, even when run as root.

    Root ignores a file's mode through two capabilities; dropping them from
    the bounding set before exec makes the new program obey the mode bits,
    as an ordinary account would.
    """
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def amp_tui(
    *args: str,
    env: dict[str, str] | None = None,
    stdin: str = "",
    as_user: Callable[[], None] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m amp_tui ARGS`` and collect what it printed."""
    return subprocess.run(
        [sys.executable, "-m", "amp_tui", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, **(env or {})},
        preexec_fn=as_user,
    )


def assert_one_clear_line(
    result: subprocess.CompletedProcess[str], *expected: str
) -> None:
    """Non-zero, one line on stderr that says what is wrong, nothing else."""
    assert result.returncode != 0, result.stdout
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("amp-tui: "), result.stderr
    assert "Traceback" not in result.stderr
    assert "erreur inattendue" not in result.stderr, result.stderr
    for words in expected:
        assert words in result.stderr, result.stderr


def url_of(db: Database) -> str:
    """The database's URL with its password, for a child process."""
    return db.url.render_as_string(hide_password=False)


@pytest.fixture
def migrated_file(tmp_path: Path) -> Path:
    """An SQLite file holding a current schema and the demo dataset."""
    path = tmp_path / "amp.db"
    result = amp_tui("--database-url", f"sqlite:///{path}", "db", "seed-demo")
    assert result.returncode == 0, result.stderr
    return path


# --- A URL that cannot work ----------------------------------------------------


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("pas une url", "URL de base de données invalide"),
        ("oracle://scott@localhost/orcl", "« oracle » non prise en charge"),
    ],
    ids=["malformed", "unsupported"],
)
def test_the_editor_refuses_a_bad_url_before_taking_the_terminal(
    url: str, words: str
) -> None:
    result = amp_tui("--database-url", url)

    assert_one_clear_line(result, words)


def test_a_bad_url_from_the_environment_is_refused_the_same_way() -> None:
    result = amp_tui(
        "account",
        "show",
        "acheteur.cea",
        env={"AMP_TUI_DATABASE_URL": "mysql://root@localhost/amp"},
    )

    assert_one_clear_line(result, "« mysql » non prise en charge")


def test_a_url_naming_a_folder_instead_of_a_file_is_one_clear_line(
    tmp_path: Path,
) -> None:
    result = amp_tui("--database-url", f"sqlite:///{tmp_path}", "audit")

    assert_one_clear_line(result, str(tmp_path))


def test_the_password_of_a_refused_url_is_never_printed() -> None:
    result = amp_tui(
        "--database-url", "postgresql+psycopg://amp:s3cr3t-pw@127.0.0.1:9/amp"
    )

    assert_one_clear_line(result, "Base de données injoignable")
    assert "s3cr3t-pw" not in result.stderr


# --- A read-only SQLite file ---------------------------------------------------


def test_writing_to_a_read_only_sqlite_file_says_so_in_one_line(
    migrated_file: Path,
) -> None:
    migrated_file.chmod(0o444)
    migrated_file.parent.chmod(0o555)
    try:
        result = amp_tui(
            "--database-url",
            f"sqlite:///{migrated_file}",
            *("account", "create", "jean.dupont", "--email", "jean@dupont.fr"),
            *("--nom", "DUPONT", "--prenom", "Jean", "--entite", "CEA"),
            stdin="Motdepasse-Solide-42\n",
            as_user=without_root_override,
        )
    finally:
        migrated_file.parent.chmod(0o755)

    assert_one_clear_line(result, "lecture seule")


def test_a_read_only_sqlite_file_can_still_be_read(migrated_file: Path) -> None:
    migrated_file.chmod(0o444)

    result = amp_tui(
        "--database-url",
        f"sqlite:///{migrated_file}",
        *("account", "show", "acheteur.cea"),
        as_user=without_root_override,
    )

    assert result.returncode == 0, result.stderr
    assert "MARTIN" in result.stdout


# --- The data directory --------------------------------------------------------


def test_a_data_directory_that_cannot_be_created_is_named_in_one_line(
    tmp_path: Path,
) -> None:
    blocker = tmp_path / "un-fichier"
    blocker.write_text("pas un dossier\n")

    result = amp_tui("audit", env={"XDG_DATA_HOME": str(blocker / "share")})

    assert_one_clear_line(result, "Impossible de créer la base SQLite", str(blocker))


def test_a_data_directory_without_write_permission_is_named_in_one_line(
    tmp_path: Path,
) -> None:
    locked = tmp_path / "verrouille"
    locked.mkdir(mode=0o555)

    result = amp_tui(
        "audit", env={"XDG_DATA_HOME": str(locked)}, as_user=without_root_override
    )

    assert_one_clear_line(result, "Impossible de créer la base SQLite", str(locked))


def test_a_missing_data_directory_is_created_on_first_use(tmp_path: Path) -> None:
    home = tmp_path / "jamais-cree" / "share"

    result = amp_tui("db", "upgrade", env={"XDG_DATA_HOME": str(home)})

    assert result.returncode == 0, result.stderr
    database = home / "amp-tui" / "amp-tui.db"
    assert database.stat().st_mode & 0o777 == 0o600


# --- A database from a newer amp-tui -------------------------------------------


@pytest.mark.parametrize(
    "command",
    [(), ("account", "show", "acheteur.cea"), ("db", "upgrade"), ("db", "seed-demo")],
    ids=["editor", "account-show", "db-upgrade", "db-seed-demo"],
)
def test_a_database_from_a_newer_amp_tui_is_refused_by_every_command(
    db: Database, command: tuple[str, ...]
) -> None:
    with db.session(write=True) as session:
        session.connection().execute(
            text("UPDATE alembic_version SET version_num = '9999'")
        )

    result = amp_tui("--database-url", url_of(db), *command)

    assert_one_clear_line(result, "9999", "mettez amp-tui à jour")
