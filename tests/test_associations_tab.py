"""Mes comptes associés through the real editor, at 80×24."""

from __future__ import annotations

from textual.widgets import DataTable, Input

from amp_tui.accounts import load_account_by_login
from amp_tui.audit import list_events
from amp_tui.database import Database
from amp_tui.demo import DEMO_PASSWORD
from tests.app_driver import (
    account_screen,
    notifications,
    paste,
    replace_text,
    save,
    settle,
    signed_in,
)
from tests.factories import SUPPORT


def header(pilot) -> str:  # type: ignore[no-untyped-def]
    screen = account_screen(pilot)
    return " ".join(
        str(screen.query_one(f"#{name}").render())
        for name in ("entity", "service-path")
    )


def association_rows(pilot) -> list[list[str]]:  # type: ignore[no-untyped-def]
    table = account_screen(pilot).query_one("#associations", DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def associate_from_tab(pilot, login: str, password: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("f5")
    await settle(pilot)
    await pilot.press("a")
    await pilot.pause()
    assert pilot.app.focused is not None and pilot.app.focused.id == "login"
    await paste(pilot, login)
    await pilot.press("enter")
    await paste(pilot, password)
    await pilot.press("enter")
    await settle(pilot)


async def test_a_buyer_associates_the_commune_switches_edits_and_comes_back(
    demo_db: Database,
) -> None:
    async with signed_in(demo_db, "acheteur.ccpb") as pilot:
        assert "Entité : CCPB" in header(pilot)
        await associate_from_tab(pilot, "acheteur.barr", DEMO_PASSWORD)
        assert association_rows(pilot)[0][:2] == ["acheteur.barr", "Approuvé"]

        await pilot.press("enter")  # on the row: switch to that account
        await settle(pilot)
        assert "Entité : BARR" in header(pilot)
        assert account_screen(pilot).snapshot.login == "acheteur.barr"

        await pilot.press("f2")
        await replace_text(pilot, "nom", "FRITSCH-BARR")
        await save(pilot)
        assert "Modifications enregistrées." in notifications(pilot)

        await pilot.press("f5")
        await settle(pilot)
        assert association_rows(pilot)[0][0] == "acheteur.ccpb"
        await pilot.press("enter")
        await settle(pilot)
        assert account_screen(pilot).snapshot.login == "acheteur.ccpb"
        assert "Entité : CCPB" in header(pilot)

    async with signed_in(demo_db, "acheteur.ccpb") as pilot:
        await pilot.press("f5")
        await settle(pilot)
        assert association_rows(pilot)[0][:2] == ["acheteur.barr", "Approuvé"]

    barr = load_account_by_login(demo_db, actor=SUPPORT, login="acheteur.barr")
    ccpb = load_account_by_login(demo_db, actor=SUPPORT, login="acheteur.ccpb")
    assert barr.nom == "FRITSCH-BARR"
    assert ccpb.nom != "FRITSCH-BARR"
    assert [item.login for item in ccpb.associations] == ["acheteur.barr"]
    last = list_events(demo_db, login="acheteur.barr")[-1]
    assert last.actor == "acheteur.ccpb"
    assert last.changes["nom"]["new"] == "FRITSCH-BARR"


async def test_a_wrong_password_associates_nothing(demo_db: Database) -> None:
    async with signed_in(demo_db, "acheteur.ccpb") as pilot:
        await associate_from_tab(pilot, "acheteur.barr", "pas-le-bon")

        assert association_rows(pilot) == []
        assert any("incorrect" in text for text in notifications(pilot))


async def test_an_association_keeps_edits_made_in_other_tabs(
    demo_db: Database,
) -> None:
    async with signed_in(demo_db, "acheteur.ccpb") as pilot:
        await replace_text(pilot, "prenom", "Hélène-Marie")
        await associate_from_tab(pilot, "acheteur.barr", DEMO_PASSWORD)
        await pilot.press("f2")
        await pilot.pause()

        assert account_screen(pilot).query_one("#prenom", Input).value == "Hélène-Marie"
        await save(pilot)

    ccpb = load_account_by_login(demo_db, actor=SUPPORT, login="acheteur.ccpb")
    assert ccpb.prenom == "Hélène-Marie"
    assert [item.login for item in ccpb.associations] == ["acheteur.barr"]


async def test_removing_an_association_after_confirmation(demo_db: Database) -> None:
    async with signed_in(demo_db, "acheteur.ccpb") as pilot:
        await associate_from_tab(pilot, "acheteur.barr", DEMO_PASSWORD)
        account_screen(pilot).query_one("#associations", DataTable).focus()
        await pilot.press("delete")
        await pilot.pause()
        await pilot.press("o")
        await settle(pilot)

        assert association_rows(pilot) == []

    ccpb = load_account_by_login(demo_db, actor=SUPPORT, login="acheteur.ccpb")
    assert ccpb.associations == ()
