"""The account finder's search, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from amp_tui.accounts import save_account
from amp_tui.database import Database
from amp_tui.demo import seed_synthetic_agents
from amp_tui.search import find_accounts
from amp_tui.snapshots import AccountDraft
from tests.factories import SUPPORT, add_agent, add_entity


@pytest.fixture
def agents(db: Database) -> Database:
    add_entity(db, "CEA", "Collectivité européenne d'Alsace")
    add_entity(db, "BARR", "Commune de Barr")
    add_agent(db, "jeanne", email="jeanne.dupont@alsace.eu")
    add_agent(
        db, "zoe", email="zoe.m@barr.fr", entite="BARR", nom="MÜLLER", prenom="Zoé"
    )
    return db


def logins(db: Database, query: str) -> list[str]:
    return [row.login for row in find_accounts(db, query=query).rows]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("DUPONT", ["jeanne"]),  # nom
        ("zoé", ["zoe"]),  # prénom, identifiant
        ("Müller", ["zoe"]),  # nom with an accent
        ("jeanne.d", ["jeanne"]),  # the start of an e-mail
        ("zoe.m@barr.fr", ["zoe"]),  # a whole e-mail
        ("barr", ["zoe"]),  # entité sigle
        ("europeenne", ["jeanne"]),  # entité name, without its accents
        ("ALSACE dupont", ["jeanne"]),  # every word must match
        ("personne", []),
        ("100%", []),
    ],
)
def test_search_by_each_field_ignoring_case_and_accents(
    agents: Database, query: str, expected: list[str]
) -> None:
    assert sorted(logins(agents, query)) == expected


def test_an_edit_is_found_at_once(agents: Database) -> None:
    jeanne = find_accounts(agents, query="jeanne").rows[0]
    from amp_tui.accounts import load_account

    stored = load_account(agents, actor=SUPPORT, agent_id=jeanne.id)
    draft = AccountDraft.from_snapshot(stored)
    draft.nom = "Lefèvre"
    draft.email = "jl@alsace.eu"
    save_account(
        agents,
        actor=SUPPORT,
        agent_id=stored.id,
        base_version=stored.version,
        draft=draft,
    )

    assert logins(agents, "lefevre") == ["jeanne"]
    assert logins(agents, "dupont") == []
    assert logins(agents, "durand") == []


def test_pages_cover_every_match_once(db: Database) -> None:
    add_entity(db, "CEA", "Collectivité")
    seed_synthetic_agents(db, 230)

    seen: list[int] = []
    after = None
    while True:
        page = find_accounts(db, query="synthetique", limit=50, after=after)
        seen += [row.id for row in page.rows]
        if page.next_after is None:
            break
        after = page.next_after

    assert len(seen) == len(set(seen)) == 230


def test_an_empty_query_lists_everyone_in_name_order(agents: Database) -> None:
    page = find_accounts(agents, query="", limit=1)
    second = find_accounts(agents, query="", limit=1, after=page.next_after)

    assert [row.login for row in page.rows + second.rows] == ["jeanne", "zoe"]
    assert second.next_after is None
