"""Associated accounts through the service, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from amp_tui.accounts import load_account, load_account_by_login, save_account
from amp_tui.associations import (
    associate_account,
    remove_association,
    switch_account,
)
from amp_tui.auth import actor_for
from amp_tui.database import Database
from amp_tui.demo import DEMO_PASSWORD
from amp_tui.errors import FieldErrors, PermissionDeniedError, StaleAccountError
from amp_tui.snapshots import AccountDraft, AccountSnapshot
from tests.factories import SUPPORT


def account(db: Database, login: str) -> AccountSnapshot:
    return load_account_by_login(db, actor=SUPPORT, login=login)


def associate(
    db: Database, principal: AccountSnapshot, login: str, password: str | None
) -> AccountSnapshot:
    return associate_account(
        db,
        actor=actor_for(principal),
        principal_id=principal.id,
        base_version=principal.version,
        login=login,
        password=password,
    )


def test_the_right_password_approves_the_association_at_once(demo_db: Database) -> None:
    ccpb = account(demo_db, "acheteur.ccpb")

    after = associate(demo_db, ccpb, "acheteur.barr", DEMO_PASSWORD)

    assert after.version == ccpb.version + 1
    assert after.to_json()["comptes_associes"] == [
        {"login": "acheteur.barr", "statut": "approuve"}
    ]
    barr = account(demo_db, "acheteur.barr")
    assert [item.login for item in barr.associations] == ["acheteur.ccpb"]


def test_a_wrong_password_is_refused_and_counts_towards_the_lockout(
    demo_db: Database,
) -> None:
    ccpb = account(demo_db, "acheteur.ccpb")

    for _ in range(5):
        with pytest.raises(FieldErrors) as refused:
            associate(demo_db, ccpb, "acheteur.barr", "mauvais")
        assert "association" in refused.value.errors

    barr = account(demo_db, "acheteur.barr")
    assert barr.locked
    assert barr.associations == ()
    assert account(demo_db, "acheteur.ccpb").version == ccpb.version


def test_a_locked_account_cannot_be_associated(demo_db: Database) -> None:
    cea = account(demo_db, "acheteur.cea")

    with pytest.raises(FieldErrors):
        associate(demo_db, cea, "agent.verrouille", DEMO_PASSWORD)


def test_an_account_cannot_be_associated_with_itself(demo_db: Database) -> None:
    ccpb = account(demo_db, "acheteur.ccpb")

    with pytest.raises(FieldErrors, match="lui-même"):
        associate(demo_db, ccpb, "acheteur.ccpb", DEMO_PASSWORD)


def test_the_same_account_cannot_be_associated_twice(demo_db: Database) -> None:
    ccpb = associate(
        demo_db, account(demo_db, "acheteur.ccpb"), "acheteur.barr", DEMO_PASSWORD
    )

    with pytest.raises(FieldErrors, match="déjà associé"):
        associate(demo_db, ccpb, "acheteur.barr", DEMO_PASSWORD)


def test_support_may_associate_without_the_password(demo_db: Database) -> None:
    ccpb = account(demo_db, "acheteur.ccpb")

    after = associate_account(
        demo_db,
        actor=SUPPORT,
        principal_id=ccpb.id,
        base_version=ccpb.version,
        login="acheteur.barr",
        password=None,
    )

    assert [item.login for item in after.associations] == ["acheteur.barr"]


def test_a_buyer_must_give_the_password(demo_db: Database) -> None:
    ccpb = account(demo_db, "acheteur.ccpb")

    with pytest.raises(FieldErrors):
        associate(demo_db, ccpb, "acheteur.barr", None)


def test_removing_an_association(demo_db: Database) -> None:
    ccpb = associate(
        demo_db, account(demo_db, "acheteur.ccpb"), "acheteur.barr", DEMO_PASSWORD
    )
    barr = account(demo_db, "acheteur.barr")

    after = remove_association(
        demo_db,
        actor=actor_for(ccpb),
        principal_id=ccpb.id,
        base_version=ccpb.version,
        other_id=barr.id,
    )

    assert after.associations == ()
    assert account(demo_db, "acheteur.barr").associations == ()


def test_an_association_based_on_an_old_version_is_refused(demo_db: Database) -> None:
    ccpb = account(demo_db, "acheteur.ccpb")
    draft = AccountDraft.from_snapshot(ccpb)
    draft.alerts = {"modification_compte"}
    save_account(
        demo_db,
        actor=actor_for(ccpb),
        agent_id=ccpb.id,
        base_version=ccpb.version,
        draft=draft,
    )

    with pytest.raises(StaleAccountError):
        associate(demo_db, ccpb, "acheteur.barr", DEMO_PASSWORD)


def test_a_buyer_reaches_associated_accounts_only(demo_db: Database) -> None:
    ccpb = account(demo_db, "acheteur.ccpb")
    barr = account(demo_db, "acheteur.barr")
    cea = account(demo_db, "acheteur.cea")
    actor = actor_for(ccpb)

    with pytest.raises(PermissionDeniedError):
        switch_account(demo_db, actor=actor, agent_id=barr.id)

    associate(demo_db, ccpb, "acheteur.barr", DEMO_PASSWORD)

    switched = switch_account(demo_db, actor=actor, agent_id=barr.id)
    assert switched.login == "acheteur.barr"
    with pytest.raises(PermissionDeniedError):
        switch_account(demo_db, actor=actor, agent_id=cea.id)
    with pytest.raises(PermissionDeniedError):
        load_account(demo_db, actor=actor, agent_id=cea.id)
