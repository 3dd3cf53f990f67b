"""The Mes préférences "Lieu d'exécution" tab in the real editor, at 80×24 on
a real database: pick places by map, by tree and by filter, Valider, save,
restart, and find them again."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from amp_tui.accounts import load_account_by_login
from amp_tui.database import Database
from amp_tui.snapshots import Actor
from screens import account
from screens.account import NOTHING_TO_SAVE, TABS, UNSAVED
from screens.dialogs.places_picker import PlacesPicker
from screens.tabs.places import NO_PLACE, PlacesTab
from screens.widgets.places_tree import region_key
from tests.app_driver import (
    account_screen,
    notifications,
    save,
    signed_in,
    unsaved_marker,
)
from tests.test_places_picker import (
    assert_views_agree,
    map_cursor_to,
    tree_cursor_to,
    type_text,
)

SUPPORT = Actor(login="support.test", role="support")


@pytest.fixture
def places_tab_wired(monkeypatch: pytest.MonkeyPatch) -> None:
    """Show PlacesTab under F4, as the account screen's TABS list will."""
    wired = [
        (tab_id, title, key, PlacesTab if tab_id == "lieux" else tab_class)
        for tab_id, title, key, tab_class in TABS
    ]
    monkeypatch.setattr(account, "TABS", wired)


def tab_summary(pilot: Pilot[None]) -> str:
    tab = account_screen(pilot).query_one(PlacesTab)
    return str(tab.query_one("#places-summary", Static).content)


def stored_places(db: Database, login: str) -> frozenset[str]:
    return load_account_by_login(db, actor=SUPPORT, login=login).departements


@pytest.mark.usefixtures("places_tab_wired")
async def test_buyer_picks_by_map_tree_and_filter_saves_and_finds_them_again(
    demo_db: Database,
) -> None:
    async with signed_in(demo_db, "acheteur.cea") as pilot:
        await pilot.press("f4")
        await pilot.pause()
        assert tab_summary(pilot) == "(67) Bas-Rhin (68) Haut-Rhin"

        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, PlacesPicker)
        await map_cursor_to(pilot, "29")
        await pilot.press("space")
        await tree_cursor_to(pilot, region_key("94"))
        await pilot.press("space")
        await type_text(pilot, "cote d or")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("space")
        await pilot.click("#places-ok")
        await pilot.pause()

        picked = "(2A) Corse-du-Sud (2B) Haute-Corse (21) Côte-d'Or (29) Finistère"
        assert tab_summary(pilot) == f"{picked} (67) Bas-Rhin (68) Haut-Rhin"
        assert unsaved_marker(pilot) == UNSAVED
        assert stored_places(demo_db, "acheteur.cea") == {"67", "68"}

        await save(pilot)
        assert unsaved_marker(pilot) == ""

    chosen = {"21", "29", "2A", "2B", "67", "68"}
    assert stored_places(demo_db, "acheteur.cea") == chosen
    async with signed_in(demo_db, "acheteur.cea") as pilot:
        await pilot.press("f4")
        await pilot.pause()
        assert tab_summary(pilot) == f"{picked} (67) Bas-Rhin (68) Haut-Rhin"

        await pilot.press("enter")
        await pilot.pause()
        assert assert_views_agree(pilot) == chosen


@pytest.mark.usefixtures("places_tab_wired")
async def test_annuler_in_the_picker_leaves_the_form_unchanged(
    demo_db: Database,
) -> None:
    async with signed_in(demo_db, "acheteur.cea") as pilot:
        await pilot.press("f4")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("ctrl+r")
        await pilot.click("#places-cancel")
        await pilot.pause()

        assert tab_summary(pilot) == "(67) Bas-Rhin (68) Haut-Rhin"
        assert unsaved_marker(pilot) == ""
        await save(pilot)
        assert NOTHING_TO_SAVE in notifications(pilot)


@pytest.mark.usefixtures("places_tab_wired")
async def test_clearing_every_place_is_saved_as_an_empty_list(
    demo_db: Database,
) -> None:
    async with signed_in(demo_db, "acheteur.cea") as pilot:
        await pilot.press("f4")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("space")
        await map_cursor_to(pilot, "68")
        await pilot.press("space")
        await pilot.click("#places-ok")
        await pilot.pause()

        assert tab_summary(pilot) == NO_PLACE
        await save(pilot)

    assert stored_places(demo_db, "acheteur.cea") == frozenset()
