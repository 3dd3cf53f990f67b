"""Mes alertes électroniques: a buyer picks alerts, saves, and finds them again.

Most stories run the tab alone in a small app that plays the account
screen's part (show the account, collect the draft, save it with the account
service); the last ones drive the whole editor, signed in with the keyboard.
All run on the demo database at 80×24.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from textual.app import App, ComposeResult
from textual.pilot import Pilot

import screens.account
from amp_tui.accounts import load_account_by_login, save_account
from amp_tui.alerts import ALERT_KEYS
from amp_tui.audit import list_events
from amp_tui.database import Database
from amp_tui.errors import FieldErrors
from amp_tui.snapshots import AccountDraft, AccountSnapshot, Actor
from screens.tabs.alerts import AlertsTab
from screens.widgets.checkbox_tree import CheckboxTree
from tests.app_driver import (
    account_screen,
    notifications,
    save,
    settle,
    signed_in,
    unsaved_marker,
)

SIZE = (80, 24)
GATED = (
    "favoris_mon_entite",
    "favoris_entites_dependantes",
    "favoris_entites_transverses",
)


class AlertsHarness(App[None]):
    """The alerts tab alone, fed and read as the account screen does."""

    def __init__(self, snapshot: AccountSnapshot) -> None:
        super().__init__()
        self.snapshot = snapshot
        self.actor = Actor(
            login=snapshot.login, role=snapshot.role, agent_id=snapshot.id
        )
        self.edits = 0

    def compose(self) -> ComposeResult:
        yield AlertsTab(id="alertes-tab")

    def on_mount(self) -> None:
        tab = self.query_one(AlertsTab)
        tab.show_account(
            self.snapshot, AccountDraft.from_snapshot(self.snapshot), actor=self.actor
        )
        tab.focus_first()

    def on_account_tab_edited(self) -> None:
        self.edits += 1

    def draft(self) -> AccountDraft:
        """The account as edited, as the screen collects it before a save."""
        draft = AccountDraft.from_snapshot(self.snapshot)
        self.query_one(AlertsTab).apply_to(draft)
        return draft

    def save(self, db: Database) -> AccountSnapshot:
        """Save the edited account with the account service."""
        return save_account(
            db,
            actor=self.actor,
            agent_id=self.snapshot.id,
            base_version=self.snapshot.version,
            draft=self.draft(),
        )


def load(db: Database, login: str) -> AccountSnapshot:
    """The stored account, read as its own agent."""
    return load_account_by_login(
        db, actor=Actor(login="support.amp", role="support"), login=login
    )


def tree_of(app: App[None]) -> CheckboxTree:
    return app.query_one(CheckboxTree)


def line_of(tree: CheckboxTree, key: str) -> int:
    """The tree line that shows ``key``."""
    return next(
        y
        for y in range(tree.last_line + 1)
        if (node := tree.get_node_at_line(y)) and node.data and node.data.key == key
    )


def shown(tree: CheckboxTree, key: str) -> str:
    """The text of the line showing ``key``, as on screen."""
    tree.scroll_to_line(line_of(tree, key), animate=False)
    return tree.render_line(line_of(tree, key) - tree.scroll_offset.y).text.rstrip()


async def arrow_to(pilot: Pilot[None], tree: CheckboxTree, key: str) -> None:
    """Move the cursor onto ``key`` with the arrow keys."""
    target = line_of(tree, key)
    while tree.cursor_line != target:
        await pilot.press("down" if tree.cursor_line < target else "up")


async def click_on(pilot: Pilot[None], tree: CheckboxTree, key: str) -> None:
    """Click the label of ``key``, scrolling it into view first."""
    tree.scroll_to_line(line_of(tree, key), animate=False)
    await pilot.pause()
    row = line_of(tree, key) - tree.scroll_offset.y
    assert 0 <= row < tree.size.height
    await pilot.click(CheckboxTree, offset=(10, row))


def checked(snapshot: AccountSnapshot) -> set[str]:
    return set(snapshot.alerts)


async def test_buyer_toggles_alerts_by_keyboard_and_mouse_and_finds_them_after_saving(
    demo_db: Database,
) -> None:
    before = load(demo_db, "acheteur.cea")
    assert checked(before) == {
        "reponse_electronique",
        "cloture_consultation",
        "favoris_mes_consultations",
        "modification_compte",
    }
    app = AlertsHarness(before)
    async with app.run_test(size=SIZE) as pilot:
        tree = tree_of(app)
        await pilot.pause()
        assert tree.has_focus and tree.cursor_line == 0

        await arrow_to(pilot, tree, "reception_message")
        await pilot.press("space")
        await click_on(pilot, tree, "publication_boamp")
        await arrow_to(pilot, tree, "modification_compte")
        await pilot.press("space")

        assert shown(tree, "reception_message").startswith("├── [x] Information de")
        assert shown(tree, "publication_boamp").startswith("├── [x] Information de")
        assert shown(tree, "divers") == "▼ [ ] Alertes sur événements divers"
        assert app.edits == 3
        saved = app.save(demo_db)

    expected = {
        "reponse_electronique",
        "cloture_consultation",
        "reception_message",
        "publication_boamp",
        "favoris_mes_consultations",
    }
    assert checked(saved) == expected
    audit = list_events(demo_db, login="acheteur.cea")[-1]
    assert audit.changes == {
        "alertes.reception_message": {"old": False, "new": True},
        "alertes.publication_boamp": {"old": False, "new": True},
        "alertes.modification_compte": {"old": True, "new": False},
    }

    restarted = AlertsHarness(load(demo_db, "acheteur.cea"))
    async with restarted.run_test(size=SIZE) as pilot:
        tree = tree_of(restarted)
        await pilot.pause()
        assert tree.selection == expected
        assert shown(tree, "favoris") == (
            "▼ [-] Alertes liées à mes consultations favorites"
        )
        assert shown(tree, "modification_compte") == (
            "└── [ ] Modification de mon compte Agent"
        )


async def test_toggling_a_group_checks_all_its_alerts_then_clears_them(
    demo_db: Database,
) -> None:
    app = AlertsHarness(load(demo_db, "jerome.weiss"))
    async with app.run_test(size=SIZE) as pilot:
        tree = tree_of(app)
        await pilot.pause()
        favourites = {
            "reponse_electronique", "cloture_consultation", "reception_message",
            "question_entreprise", "publication_boamp", "echec_publication_boamp",
            "validation_consultation",
        }  # fmt: skip
        assert favourites <= tree.selection
        assert shown(tree, "favoris").startswith("▼ [x]")

        await pilot.press("space")
        assert not favourites & tree.selection
        assert shown(tree, "favoris").startswith("▼ [ ]")

        await pilot.press("enter")
        assert favourites <= tree.selection
        saved = app.save(demo_db)

    assert favourites <= checked(saved)


async def test_agent_without_permanent_guest_permission_cannot_enable_gated_alerts(
    demo_db: Database,
) -> None:
    before = load(demo_db, "acheteur.barr")
    app = AlertsHarness(before)
    async with app.run_test(size=SIZE) as pilot:
        tree = tree_of(app)
        await pilot.pause()
        assert "Réservé aux invités permanents sur leur entité." in shown(
            tree, "favoris_mon_entite"
        )

        for key in GATED:
            await arrow_to(pilot, tree, key)
            await pilot.press("space")
            await click_on(pilot, tree, key)
            assert not tree.can_toggle(key)
        await arrow_to(pilot, tree, "auto_favoris")
        await pilot.press("space")

        assert not set(GATED) & tree.selection
        assert app.edits == 1, "only the group toggle changed something"
        await arrow_to(pilot, tree, "favoris_entites_transverses")
        detail = str(app.query_one("#alerts-detail").render())
        assert "(uniquement si je suis invité permanent transverse)" in detail
        assert "Réservé aux invités permanents transverses." in detail
        saved = app.save(demo_db)

    assert not set(GATED) & checked(saved)


async def test_permanent_guest_on_own_entity_can_enable_that_alert_only(
    demo_db: Database,
) -> None:
    app = AlertsHarness(load(demo_db, "acheteur.cea"))
    async with app.run_test(size=SIZE) as pilot:
        tree = tree_of(app)
        await pilot.pause()

        for key in GATED:
            await arrow_to(pilot, tree, key)
            await pilot.press("space")

        assert tree.can_toggle("favoris_mon_entite")
        assert "Réservé" not in shown(tree, "favoris_mon_entite")
        assert set(GATED) & tree.selection == {"favoris_mon_entite"}
        saved = app.save(demo_db)

    assert set(GATED) & checked(saved) == {"favoris_mon_entite"}


async def test_the_full_label_under_the_cursor_is_readable_at_80_columns(
    demo_db: Database,
) -> None:
    app = AlertsHarness(load(demo_db, "acheteur.cea"))
    async with app.run_test(size=SIZE) as pilot:
        tree = tree_of(app)
        await pilot.pause()
        note = str(app.query_one("#alerts-note").render())
        assert note.startswith("Seules les consultations favorites déclenchent")

        await arrow_to(pilot, tree, "cloture_consultation")

        assert shown(tree, "cloture_consultation").endswith("…")
        assert max(len(tree.render_line(y).text.rstrip()) for y in range(15)) <= 80
        detail = app.query_one("#alerts-detail")
        assert str(detail.render()).endswith(
            "avec synthèse des retraits et dépôts électroniques (asynchrone)"
        )
        assert detail.region.bottom <= SIZE[1]


async def test_a_refused_alert_is_marked_beside_the_tree(demo_db: Database) -> None:
    snapshot = load(demo_db, "acheteur.barr")
    draft = AccountDraft.from_snapshot(snapshot)
    draft.alerts.add("favoris_entites_transverses")
    actor = Actor(login=snapshot.login, role=snapshot.role, agent_id=snapshot.id)
    try:
        save_account(
            demo_db,
            actor=actor,
            agent_id=snapshot.id,
            base_version=snapshot.version,
            draft=draft,
        )
    except FieldErrors as error:
        refused = error.errors
    else:
        raise AssertionError("a gated alert was saved without its permission")

    app = AlertsHarness(snapshot)
    async with app.run_test(size=SIZE) as pilot:
        tab = app.query_one(AlertsTab)
        tab.show_errors(refused)
        await pilot.pause()
        field = app.query_one("#field-alertes")
        message = app.query_one("#alertes-error")
        assert field.has_class("-invalid")
        assert str(message.render()) == refused["alertes"]
        assert message.region.height == 1

        tab.show_errors({})
        await pilot.pause()
        assert not field.has_class("-invalid")
        assert message.region.height == 0


def stored_alerts_shown_by_the_cli(db: Database, login: str) -> set[str]:
    """The alerts ``amp-tui account show --json`` reports as on."""
    url = db.url.render_as_string(hide_password=False)
    shown_json = subprocess.run(
        [
            sys.executable,
            "-m",
            "amp_tui",
            "--database-url",
            url,
            "account",
            "show",
            login,
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=os.environ.copy(),
    )
    assert shown_json.returncode == 0, shown_json.stderr
    alertes = json.loads(shown_json.stdout)["alertes"]
    assert list(alertes) == list(ALERT_KEYS)
    return {key for key, on in alertes.items() if on}


@pytest.fixture
def alerts_in_the_editor(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make sure the account screen shows this tab under F3."""
    tabs = [
        (tab_id, title, key, AlertsTab if tab_id == "alertes" else tab_class)
        for tab_id, title, key, tab_class in screens.account.TABS
    ]
    monkeypatch.setattr(screens.account, "TABS", tabs)


async def open_alerts(pilot: Pilot[None]) -> CheckboxTree:
    """Press F3 and return the alerts tree, which then has the focus."""
    await pilot.press("f3")
    await settle(pilot)
    tree = account_screen(pilot).query_one(CheckboxTree)
    assert pilot.app.focused is tree
    return tree


async def test_buyer_saves_alerts_with_ctrl_s_and_finds_them_after_a_restart(
    demo_db: Database, alerts_in_the_editor: None
) -> None:
    expected = {
        "reponse_electronique",
        "cloture_consultation",
        "reception_message",
        "publication_boamp",
        "favoris_mes_consultations",
    }
    async with signed_in(demo_db, "acheteur.cea") as pilot:
        tree = await open_alerts(pilot)
        assert unsaved_marker(pilot) == ""

        await arrow_to(pilot, tree, "reception_message")
        await pilot.press("space")
        await click_on(pilot, tree, "publication_boamp")
        await arrow_to(pilot, tree, "modification_compte")
        await pilot.press("space")
        assert unsaved_marker(pilot).startswith("N'oubliez pas d'enregistrer")

        await save(pilot)
        assert "Modifications enregistrées." in notifications(pilot)
        assert unsaved_marker(pilot) == ""
        assert tree.selection == expected

    async with signed_in(demo_db, "acheteur.cea") as pilot:
        tree = await open_alerts(pilot)
        assert tree.selection == expected
        assert shown(tree, "publication_boamp").startswith("├── [x] Information")

    assert stored_alerts_shown_by_the_cli(demo_db, "acheteur.cea") == expected


async def test_only_a_permanent_guest_can_turn_on_the_gated_auto_favourites(
    demo_db: Database, alerts_in_the_editor: None
) -> None:
    async with signed_in(demo_db, "acheteur.barr") as pilot:
        tree = await open_alerts(pilot)
        before = tree.selection
        for key in GATED:
            await arrow_to(pilot, tree, key)
            await pilot.press("space")
            await click_on(pilot, tree, key)
            assert "Réservé aux invités permanents" in shown(tree, key)

        assert tree.selection == before
        assert unsaved_marker(pilot) == ""

    async with signed_in(demo_db, "acheteur.cea") as pilot:
        tree = await open_alerts(pilot)
        for key in GATED:
            await arrow_to(pilot, tree, key)
            await pilot.press("space")
        await save(pilot)
        assert "Modifications enregistrées." in notifications(pilot)

    on = stored_alerts_shown_by_the_cli(demo_db, "acheteur.cea")
    assert set(GATED) & on == {"favoris_mon_entite"}
    assert not set(GATED) & stored_alerts_shown_by_the_cli(demo_db, "acheteur.barr")
