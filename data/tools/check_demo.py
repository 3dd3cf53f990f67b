"""Check ``data/demo.json`` against the schema the demo loader expects.

``data/demo.json`` is written by hand. This script catches what a hand can
slip: a key misspelt, a service path that names no service, an e-mail address
used twice in different case, a favourite on a gated alert the agent may not
hold. It prints one line per problem and exits non-zero if there is any::

    python data/tools/check_demo.py
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import phonenumbers
from email_validator import EmailNotValidError, validate_email

DATA_DIR = Path(__file__).resolve().parent.parent
SEPARATOR = " / "

ALERT_KEYS = {
    "reponse_electronique",
    "cloture_consultation",
    "reception_message",
    "question_entreprise",
    "publication_boamp",
    "echec_publication_boamp",
    "validation_consultation",
    "favoris_mes_consultations",
    "favoris_mon_entite",
    "favoris_entites_dependantes",
    "favoris_entites_transverses",
    "modification_compte",
}
# A gated alert key -> the invite_permanent flag an agent needs to hold it.
GATED = {
    "favoris_mon_entite": "mon_entite",
    "favoris_entites_dependantes": "entites_dependantes",
    "favoris_entites_transverses": "entites_transverses",
}


def words(text: str) -> frozenset[str]:
    """Return the set of space-separated words in ``text``."""
    return frozenset(text.split())


KEYS = {
    "dataset": words("entities transverse agents associations consultations"),
    "entity": words("sigle nom parent services"),
    "service": words("nom children"),
    "agent": words(
        "login password nom prenom email telephone telecopieur entite service role"
        " invite_permanent alertes lieux_execution active locked"
    ),
    "association": words("principal secondaire statut"),
    "consultation": words(
        "reference titre objet entite createur phase date_limite procedure"
        " categorie allotie retraits questions depots favoris"
    ),
}
PHASES = ("E", "V", "C", "OA", "D")
PROCEDURES = {
    "Appel d'offres ouvert",
    "Appel d'offres restreint",
    "Procédure adaptée",
    "Marché négocié",
}
CATEGORIES = {"Travaux", "Fournitures", "Services"}
DEMO_PASSWORD = "Demo-Amp-2026"
# The test consultation, as the tests and the documentation quote it.
JLV770 = {
    "titre": "JL TEST V7.7.0",
    "entite": "CEA",
    "phase": "E",
    "date_limite": "2022-07-29T16:00:00+02:00",
    "procedure": "Appel d'offres ouvert",
    "categorie": "Services",
    "allotie": True,
}


def read_codes() -> set[str]:
    """Return the département codes a buyer can pick."""
    with (DATA_DIR / "departements.csv").open(encoding="utf-8", newline="") as handle:
        return {row["code"] for row in csv.DictReader(handle)}


CODES = read_codes()
problems: list[str] = []


def expect(condition: bool, message: str) -> None:
    """Record ``message`` unless ``condition`` holds."""
    if not condition:
        problems.append(message)


def expect_keys(item: dict[str, Any], kind: str, name: str) -> None:
    """Record a problem unless ``item`` has exactly the keys of ``kind``."""
    expect(set(item) == KEYS[kind], f"{name}: keys {sorted(set(item) ^ KEYS[kind])}")


def service_paths(items: list[dict[str, Any]], prefix: str = "") -> list[str]:
    """Return the path of every service in a tree, checking names on the way."""
    paths: list[str] = []
    names = Counter(item["nom"] for item in items)
    for item in items:
        expect_keys(item, "service", f"service {prefix}{item['nom']}")
        expect(SEPARATOR not in item["nom"], f"service {item['nom']!r} has ' / '")
        expect(names[item["nom"]] == 1, f"two sibling services {item['nom']!r}")
        path = prefix + item["nom"]
        paths += [path, *service_paths(item["children"], path + SEPARATOR)]
    return paths


def check_entities(data: dict[str, Any]) -> dict[str, set[str]]:
    """Check entities and transverse links; return sigle -> service paths."""
    services: dict[str, set[str]] = {}
    for entity in data["entities"]:
        expect_keys(entity, "entity", f"entity {entity['sigle']}")
        expect(bool(re.fullmatch(r"[A-Z0-9]{1,20}", entity["sigle"])), "bad sigle")
        services[entity["sigle"]] = set(service_paths(entity["services"]))
    for entity in data["entities"]:
        parent = entity["parent"]
        expect(parent is None or parent in services, f"unknown parent {parent}")
        expect(parent != entity["sigle"], f"{entity['sigle']} is its own parent")
    for pair in data["transverse"]:
        expect(len(set(pair)) == 2 and set(pair) <= set(services), f"bad {pair}")
    return services


def check_agent(agent: dict[str, Any], services: dict[str, set[str]]) -> None:
    """Check one agent against the entities and the reference data."""
    name = f"agent {agent['login']}"
    expect_keys(agent, "agent", name)
    expect(agent["password"] == DEMO_PASSWORD, f"{name}: password")
    expect(agent["role"] in ("buyer", "support"), f"{name}: role")
    expect(agent["entite"] in services, f"{name}: unknown entity")
    path = agent["service"]
    expect(path is None or path in services.get(agent["entite"], ()), f"{name}: {path}")
    for field in ("nom", "prenom"):
        expect(0 < len(agent[field].strip()) <= 100, f"{name}: {field}")
    try:
        validate_email(agent["email"], check_deliverability=False)
    except EmailNotValidError as error:
        problems.append(f"{name}: {error}")
    for field in ("telephone", "telecopieur"):
        number = agent[field]
        if number is not None:
            parsed = phonenumbers.parse(number)
            valid = phonenumbers.is_valid_number(parsed) and parsed.country_code == 33
            expect(valid, f"{name}: {field} {number} is not a French number")
            expect(number == f"+{parsed.country_code}{parsed.national_number}", name)
    alerts = agent["alertes"]
    expect(len(set(alerts)) == len(alerts) and set(alerts) <= ALERT_KEYS, name)
    for key, flag in GATED.items():
        allowed = agent["invite_permanent"][flag]
        expect(key not in alerts or allowed, f"{name}: {key} without {flag}")
    places = agent["lieux_execution"]
    expect(len(set(places)) == len(places) and set(places) <= CODES, f"{name}: lieux")
    flags = (agent["active"], agent["locked"])
    expect(all(isinstance(flag, bool) for flag in flags), f"{name}: active, locked")


def check_consultation(
    item: dict[str, Any], sigles: set[str], logins: set[str]
) -> None:
    """Check one consultation."""
    name = f"consultation {item['reference']}"
    expect_keys(item, "consultation", name)
    expect(item["entite"] in sigles, f"{name}: entity")
    expect(item["createur"] is None or item["createur"] in logins, f"{name}: creator")
    expect(item["phase"] in PHASES, f"{name}: phase")
    expect(item["procedure"] in PROCEDURES, f"{name}: procedure")
    expect(item["categorie"] in CATEGORIES, f"{name}: categorie")
    deadline = dt.datetime.fromisoformat(item["date_limite"])
    expect(deadline.utcoffset() is not None, f"{name}: date_limite has no offset")
    counters = [item[key] for key in ("retraits", "questions", "depots")]
    expect(all(isinstance(n, int) and n >= 0 for n in counters), f"{name}: counter")
    favourites = item["favoris"]
    expect(len(set(favourites)) == len(favourites), f"{name}: favourite twice")
    expect(set(favourites) <= logins, f"{name}: unknown favourite")


def check(data: dict[str, Any]) -> None:
    """Check the whole dataset, including what the tests rely on."""
    expect(set(data) == KEYS["dataset"], "top-level keys")
    services = check_entities(data)
    for agent in data["agents"]:
        check_agent(agent, services)
    logins = [agent["login"] for agent in data["agents"]]
    emails = [agent["email"].casefold() for agent in data["agents"]]
    expect(len(set(logins)) == len(logins), "a login is used twice")
    expect(len(set(emails)) == len(emails), "an e-mail address is used twice")
    pairs = set()
    for item in data["associations"]:
        expect_keys(item, "association", "association")
        pair = frozenset((item["principal"], item["secondaire"]))
        expect(len(pair) == 2 and pair <= set(logins), f"association {sorted(pair)}")
        expect(pair not in pairs, f"association {sorted(pair)} twice")
        expect(item["statut"] in ("en_attente", "approuve"), "association statut")
        pairs.add(pair)
    # The tests create this association themselves.
    expect(frozenset(("acheteur.ccpb", "acheteur.barr")) not in pairs, "ccpb-barr")
    references = [item["reference"] for item in data["consultations"]]
    expect(len(set(references)) == len(references), "a reference is used twice")
    for item in data["consultations"]:
        check_consultation(item, set(services), set(logins))
    phases = Counter(item["phase"] for item in data["consultations"])
    expect(all(phases[phase] >= 2 for phase in PHASES), f"phases {dict(phases)}")
    by_reference = {item["reference"]: item for item in data["consultations"]}
    test = by_reference.get("JLV770", {})
    for key, value in JLV770.items():
        expect(test.get(key) == value, f"JLV770: {key} should be {value!r}")
    expect("acheteur.cea" not in test.get("favoris", []), "JLV770 is a favourite")


def main() -> None:
    """Check the dataset and report."""
    data = json.loads((DATA_DIR / "demo.json").read_text(encoding="utf-8"))
    check(data)
    for problem in problems:
        print(problem)
    counts = {key: len(value) for key, value in data.items()}
    print(f"{len(problems)} problem(s) in demo.json {counts}")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
