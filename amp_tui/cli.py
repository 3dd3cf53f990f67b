"""The ``amp-tui`` command line.

Every failure prints one line and exits non-zero; a traceback appears only
with ``--debug``. This module is the one place in ``amp_tui`` allowed to
import the interface, and only inside the commands that start it.
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from amp_tui import __version__
from amp_tui.config import resolve_database_url
from amp_tui.database import Database
from amp_tui.errors import AmpError, FieldErrors
from amp_tui.snapshots import Actor

log = logging.getLogger(__name__)

DEMO_HOST = "127.0.0.1"
DEMO_PORT = 8000

FIELD_LABELS = {
    "login": "Identifiant",
    "nom": "NOM",
    "prenom": "Prénom",
    "email": "Adresse électronique",
    "telephone": "Téléphone",
    "telecopieur": "Télécopieur",
    "password": "Mot de passe",
    "password_confirmation": "Confirmer le mot de passe",
    "service": "Service",
    "entite": "Entité",
}


class OneLineParser(argparse.ArgumentParser):
    """An argument parser whose usage errors fit on one line."""

    def error(self, message: str) -> NoReturn:
        """Print the problem and where to find help, then exit with 2."""
        self.exit(2, f"{self.prog}: {message} (voir {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every command."""
    parser = OneLineParser(
        prog="amp-tui",
        description="Éditeur en terminal des comptes agents (Atexo MPE).",
    )
    parser.add_argument("--version", action="version", version=__version__)
    parser.add_argument(
        "--database-url",
        metavar="URL",
        help="URL SQLAlchemy (sinon AMP_TUI_DATABASE_URL, sinon un fichier SQLite)",
    )
    parser.add_argument("--debug", action="store_true", help="traces complètes")
    commands = parser.add_subparsers(dest="command", metavar="COMMANDE")

    demo = commands.add_parser("demo", help="démonstration sur une base jetable")
    demo.add_argument(
        "--as",
        dest="role",
        choices=("buyer", "support"),
        default="buyer",
        help="ouvrir en acheteur (par défaut) ou en support",
    )
    demo.add_argument("--web", action="store_true", help="servir dans un navigateur")
    demo.add_argument(
        "--port",
        type=port_number,
        metavar="N",
        help=f"port du serveur web (par défaut {DEMO_PORT})",
    )
    demo.add_argument(
        "--host",
        metavar="ADRESSE",
        help=f"adresse du serveur web (par défaut {DEMO_HOST}, cette machine seule)",
    )
    demo.set_defaults(handler=run_demo)

    db = commands.add_parser("db", help="schéma et données").add_subparsers(
        dest="db_command", metavar="ACTION", required=True
    )
    db.add_parser("upgrade", help="créer ou migrer le schéma").set_defaults(
        handler=db_upgrade
    )
    seed = db.add_parser("seed-demo", help="charger le jeu de démonstration")
    seed.add_argument("--agents", type=int, default=0, metavar="N")
    seed.set_defaults(handler=db_seed_demo)

    account = commands.add_parser("account", help="comptes agents").add_subparsers(
        dest="account_command", metavar="ACTION", required=True
    )
    create = account.add_parser("create", help="créer un compte")
    create.add_argument("login", metavar="LOGIN")
    create.add_argument("--email", required=True)
    create.add_argument("--nom", required=True)
    create.add_argument("--prenom", required=True)
    create.add_argument("--entite", metavar="SIGLE")
    create.add_argument("--service", metavar="NAME")
    create.add_argument("--role", choices=("buyer", "support"), default="buyer")
    create.set_defaults(handler=account_create)
    show = account.add_parser("show", help="afficher un compte")
    show.add_argument("login", metavar="LOGIN")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=account_show)

    audit = commands.add_parser("audit", help="journal des modifications")
    audit.add_argument("login", metavar="LOGIN", nargs="?")
    audit.set_defaults(handler=audit_show)

    from amp_tui.cli_consultations import add_commands

    add_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    from amp_tui import logs

    logs.configure(debug=args.debug)
    handler: Callable[[argparse.Namespace], int] = getattr(args, "handler", run_editor)
    try:
        return handler(args)
    except AmpError as error:
        log.info("command failed: %s", error.message)
        if args.debug:
            raise
        if isinstance(error, FieldErrors):
            print(f"amp-tui: {describe_field_errors(error)}", file=sys.stderr)
        else:
            print(f"amp-tui: {error.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (``amp-tui audit | head``): not a failure.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception:
        log.exception("unexpected failure")
        if args.debug:
            raise
        print(
            "amp-tui: erreur inattendue ; relancez avec --debug pour le détail.",
            file=sys.stderr,
        )
        return 2


def describe_field_errors(error: FieldErrors) -> str:
    """All field problems on one line, each with its field's label."""
    return " ; ".join(
        f"{FIELD_LABELS.get(field, field)} : {message}"
        for field, message in error.errors.items()
    )


def open_database(args: argparse.Namespace, *, migrate: bool = True) -> Database:
    """Connect to the configured database and check its schema."""
    from amp_tui.schema import ensure_current

    db = Database(resolve_database_url(args.database_url))
    log.info("database %s", db.display_url)
    if migrate:
        ensure_current(db)
    return db


def cli_actor() -> Actor:
    """The operator at the command line acts with support rights."""
    return Actor(login=f"cli:{getpass.getuser()}", role="support")


def run_editor(args: argparse.Namespace) -> int:
    """Start the editor on its login screen."""
    db = open_database(args)
    from screens.app import run_app

    run_app(db)
    return 0


def port_number(text: str) -> int:
    """A TCP port given on the command line."""
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"port invalide : {text} (1 à 65535)")
    return int(text)


def run_demo(args: argparse.Namespace) -> int:
    """Start the editor on a throwaway database holding the demo dataset.

    With ``--web``, serve it to browsers instead: each browser tab runs this
    same command, without ``--web``, and so gets a database of its own.
    """
    if not args.web:
        if args.port is not None or args.host is not None:
            raise AmpError("--port et --host ne servent qu'avec --web.")
        return run_terminal_demo(args.role)
    host = args.host or DEMO_HOST
    port = args.port or DEMO_PORT
    from screens.web import is_loopback, serve_demo

    if not is_loopback(host):
        print(
            f"amp-tui: attention : la démonstration sera ouverte à toute machine "
            f"qui peut joindre {host}:{port}, sans mot de passe.",
            file=sys.stderr,
        )
    serve_demo(role=args.role, host=host, port=port)
    return 0


def run_terminal_demo(role: str) -> int:
    """Open the demo in this terminal, signed in as the role's demo agent."""
    from amp_tui.demo import demo_database

    with demo_database() as (db, path):
        from screens.app import run_app

        log.info("demo database at %s", path)
        run_app(db, sign_in_as=demo_login(role))
    return 0


def demo_login(role: str) -> str:
    """The demo agent a demo signs in as."""
    return "support.amp" if role == "support" else "acheteur.cea"


def db_upgrade(args: argparse.Namespace) -> int:
    """Create or migrate the schema."""
    from amp_tui.schema import HEAD_REVISION, upgrade

    db = open_database(args, migrate=False)
    applied = upgrade(db)
    if applied:
        print(f"Schéma à jour (révision {HEAD_REVISION}).")
    else:
        print(f"Schéma déjà à jour (révision {HEAD_REVISION}).")
    return 0


def db_seed_demo(args: argparse.Namespace) -> int:
    """Load the demo dataset and any synthetic agents."""
    from amp_tui.demo import seed_demo, seed_synthetic_agents

    if args.agents < 0:
        raise AmpError("--agents attend un nombre positif.")
    db = open_database(args)
    loaded = seed_demo(db)
    print(
        "Jeu de démonstration chargé."
        if loaded
        else "Jeu de démonstration déjà présent."
    )
    if args.agents:
        seed_synthetic_agents(db, args.agents)
        print(f"{args.agents} agents synthétiques ajoutés.")
    return 0


def read_password(login: str) -> str:
    """Read a new password: a hidden prompt on a terminal, else one line."""
    if sys.stdin.isatty():
        first = getpass.getpass(f"Mot de passe pour {login} : ")
        second = getpass.getpass("Confirmer le mot de passe : ")
        if first != second:
            raise FieldErrors(
                {"password_confirmation": "La confirmation ne correspond pas."}
            )
        return first
    return sys.stdin.readline().rstrip("\r\n")


def account_create(args: argparse.Namespace) -> int:
    """Create an account from the command line."""
    from amp_tui.accounts import create_account
    from amp_tui.models import Role

    db = open_database(args)
    password = read_password(args.login)
    snapshot = create_account(
        db,
        actor=cli_actor(),
        login=args.login,
        email=args.email,
        nom=args.nom,
        prenom=args.prenom,
        password=password,
        entite=args.entite,
        service=args.service,
        role=Role(args.role),
    )
    print(f"Compte {snapshot.login} créé.")
    return 0


def account_show(args: argparse.Namespace) -> int:
    """Print one account, as text or as JSON."""
    from amp_tui.accounts import load_account_by_login
    from amp_tui.validation import format_phone

    db = open_database(args)
    snapshot = load_account_by_login(db, actor=cli_actor(), login=args.login)
    data = snapshot.to_json()
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    rows = [
        ("Identifiant", data["login"]),
        ("NOM", data["nom"]),
        ("Prénom", data["prenom"]),
        ("Adresse électronique", data["email"]),
        ("Téléphone", format_phone(data["telephone"])),
        ("Télécopieur", format_phone(data["telecopieur"])),
        ("Entité", f"{snapshot.entity_sigle} - {snapshot.entity_nom}"),
        ("Service", data["service"] or ""),
        ("Rôle", "support" if data["role"] == "support" else "acheteur"),
        ("Alertes", ", ".join(k for k, on in data["alertes"].items() if on)),
        ("Lieux d'exécution", " ".join(data["lieux_execution"])),
        (
            "Comptes associés",
            ", ".join(
                f"{a['login']} ({a['statut']})" for a in data["comptes_associes"]
            ),
        ),
        ("Version", str(data["version"])),
    ]
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label:<{width}}  {value}")
    return 0


def audit_show(args: argparse.Namespace) -> int:
    """Print the audit trail, oldest first."""
    from amp_tui.audit import list_events

    db = open_database(args)
    for entry in list_events(db, login=args.login):
        stamp = entry.at.astimezone().strftime("%d/%m/%Y %H:%M:%S")
        print(
            f"{stamp}  {entry.actor}  {entry.account}  {entry.action}  "
            f"{entry.describe_changes()}"
        )
    return 0
