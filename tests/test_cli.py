"""The command line, run as a user would: a real process, a real database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from amp_tui.alerts import ALERT_KEYS
from amp_tui.database import Database
from amp_tui.demo import DEMO_PASSWORD

JSON_KEYS = {
    "login",
    "nom",
    "prenom",
    "email",
    "telephone",
    "telecopieur",
    "entite",
    "service",
    "role",
    "alertes",
    "lieux_execution",
    "comptes_associes",
    "version",
}


def amp_tui(
    url: str, *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m amp_tui --database-url URL ARGS``."""
    return subprocess.run(
        [sys.executable, "-m", "amp_tui", "--database-url", url, *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, **(env or {})},
    )


def url_of(db: Database) -> str:
    return db.url.render_as_string(hide_password=False)


def test_upgrade_seed_and_show_a_demo_account(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"

    assert amp_tui(url, "db", "upgrade").returncode == 0
    seeded = amp_tui(url, "db", "seed-demo", "--agents", "50")
    shown = amp_tui(url, "account", "show", "acheteur.cea", "--json")

    assert seeded.returncode == 0, seeded.stderr
    assert shown.returncode == 0, shown.stderr
    account = json.loads(shown.stdout)
    assert set(account) == JSON_KEYS
    assert set(account["alertes"]) == set(ALERT_KEYS)
    assert account["entite"] == "CEA"
    assert account["lieux_execution"] == sorted(account["lieux_execution"])


def test_show_json_has_exactly_the_documented_keys(demo_db: Database) -> None:
    shown = amp_tui(url_of(demo_db), "account", "show", "acheteur.cea", "--json")

    account = json.loads(shown.stdout)
    assert set(account) == JSON_KEYS
    assert isinstance(account["version"], int)
    assert all(isinstance(on, bool) for on in account["alertes"].values())
    assert all(set(item) == {"login", "statut"} for item in account["comptes_associes"])


def test_create_an_account_with_the_password_on_stdin(demo_db: Database) -> None:
    created = amp_tui(
        url_of(demo_db),
        "account",
        "create",
        "nouvel.agent",
        "--email",
        "Nouvel.Agent@Alsace.eu",
        "--nom",
        "NOUVEL",
        "--prenom",
        "Agent",
        "--entite",
        "CEA",
        stdin="Tres-Solide-2026\n",
    )
    shown = amp_tui(url_of(demo_db), "account", "show", "nouvel.agent", "--json")
    audit = amp_tui(url_of(demo_db), "audit", "nouvel.agent")

    assert created.returncode == 0, created.stderr
    assert json.loads(shown.stdout)["email"] == "Nouvel.Agent@alsace.eu"
    assert "creation" in audit.stdout
    assert "Tres-Solide-2026" not in audit.stdout


def test_a_weak_password_is_refused_in_one_line(demo_db: Database) -> None:
    created = amp_tui(
        url_of(demo_db),
        "account",
        "create",
        "faible",
        "--email",
        "faible@x.fr",
        "--nom",
        "F",
        "--prenom",
        "A",
        "--entite",
        "CEA",
        stdin="azerty\n",
    )

    assert created.returncode != 0
    assert created.stderr.count("\n") == 1
    assert created.stderr.startswith("amp-tui: Mot de passe")


def test_a_duplicate_address_is_refused(demo_db: Database) -> None:
    existing = json.loads(
        amp_tui(url_of(demo_db), "account", "show", "acheteur.cea", "--json").stdout
    )["email"]

    created = amp_tui(
        url_of(demo_db),
        "account",
        "create",
        "doublon",
        "--email",
        existing.upper(),
        "--nom",
        "D",
        "--prenom",
        "D",
        "--entite",
        "CEA",
        stdin=f"{DEMO_PASSWORD}x\n",
    )

    assert created.returncode == 1
    assert "déjà utilisée" in created.stderr


def test_an_unknown_account_is_one_clear_line(demo_db: Database) -> None:
    shown = amp_tui(url_of(demo_db), "account", "show", "personne")

    assert shown.returncode == 1
    assert shown.stderr == "amp-tui: Aucun compte n'a l'identifiant « personne ».\n"


@pytest.mark.parametrize(
    "url", ["pas une url", "mysql://root@localhost/amp", "postgresql+psycopg://"]
)
def test_a_malformed_url_is_one_clear_line(url: str) -> None:
    result = amp_tui(url, "db", "upgrade")

    assert result.returncode != 0
    assert result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr


def test_an_unreachable_postgresql_is_one_clear_line_without_password() -> None:
    url = "postgresql+psycopg://amp:secret@127.0.0.1:9/amp"

    result = amp_tui(url, "db", "upgrade")

    assert result.returncode == 1
    assert result.stderr.startswith("amp-tui: Base de données injoignable")
    assert result.stderr.count("\n") == 1
    assert "secret" not in result.stderr


def test_the_url_may_come_from_the_environment(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'env.db'}"

    result = subprocess.run(
        [sys.executable, "-m", "amp_tui", "db", "upgrade"],
        env={**os.environ, "AMP_TUI_DATABASE_URL": url},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert (tmp_path / "env.db").exists()


def test_debug_shows_the_traceback() -> None:
    result = amp_tui(
        "postgresql+psycopg://amp@127.0.0.1:9/amp", "--debug", "db", "upgrade"
    )

    assert result.returncode != 0
    assert "Traceback" in result.stderr
