"""Hostile text typed and pasted into every field of Mes coordonnées.

Hypothesis picks a field and a text (long, empty, control characters,
right-to-left, emoji, SQL-looking), the test puts it in the field through
Pilot, by pasting or key by key, and presses ctrl+s. Whatever happens the
editor keeps running and never reports an unexpected error; a refusal is
shown at the field in French; and what the database holds afterwards is
always valid.
"""

from __future__ import annotations

import asyncio

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from textual.pilot import Pilot
from textual.widgets import Input

from amp_tui.accounts import load_account_by_login
from amp_tui.database import Database
from amp_tui.snapshots import AccountSnapshot, Actor
from amp_tui.validation import (
    clean_email,
    clean_name,
    clean_phone,
    format_phone,
)
from screens.account import FIX_FIELDS, NOTHING_TO_SAVE, SAVED, UNEXPECTED
from tests.app_driver import (
    account_screen,
    field_error,
    field_value,
    paste,
    running_app,
    save,
    type_text,
)
from tests.test_fuzz_validators import ENGLISH_WORDS, FRENCH_WORDS, hostile_text

SUPPORT = Actor(login="support.fuzz", role="support")
LOGIN = "acheteur.cea"
FIELDS = ("nom", "prenom", "telephone", "telecopieur", "email", "password")


def typeable(text: str) -> str:
    """The characters of ``text`` a keyboard can send one key at a time."""
    return "".join(char for char in text if char.isprintable() and char.isascii())


def shown_value(account: AccountSnapshot, field: str) -> str:
    """What the form shows for a stored field."""
    if field in ("telephone", "telecopieur"):
        return format_phone(getattr(account, field))
    if field == "password":
        return ""
    return str(getattr(account, field))


def assert_stored_account_is_valid(db: Database) -> AccountSnapshot:
    """Every stored field passes its own validator unchanged."""
    account = load_account_by_login(db, actor=SUPPORT, login=LOGIN)
    assert clean_name("nom", account.nom) == account.nom
    assert clean_name("prenom", account.prenom) == account.prenom
    assert clean_email(account.email) == account.email
    for field in ("telephone", "telecopieur"):
        number = getattr(account, field)
        assert number is None or clean_phone(field, number) == number
    return account


def assert_french(message: str) -> None:
    """A message fit to show a French-speaking user."""
    assert FRENCH_WORDS.search(message), message
    assert not ENGLISH_WORDS.search(message), message


async def clear(pilot: Pilot[None], field: str) -> None:
    """Focus a field and empty it with the keyboard."""
    account_screen(pilot).query_one(f"#{field}", Input).focus()
    await pilot.press("home", "ctrl+k")


async def put(pilot: Pilot[None], field: str, text: str, by_keys: bool) -> None:
    """Put ``text`` in a field, replacing what it held, as a user would."""
    await clear(pilot, field)
    if by_keys:
        await type_text(pilot, typeable(text)[:12])
    else:
        await paste(pilot, text)
    if field == "password":
        typed = field_value(pilot, "password")
        await clear(pilot, "password_confirmation")
        await paste(pilot, typed)


async def restore(pilot: Pilot[None], field: str, account: AccountSnapshot) -> None:
    """Put back what the account holds, after a refusal."""
    await clear(pilot, field)
    await paste(pilot, shown_value(account, field))
    if field == "password":
        await clear(pilot, "password_confirmation")


def new_notifications(pilot: Pilot[None], before: set[str]) -> list[str]:
    """Messages of the notifications that appeared since ``before``."""
    return [
        str(notice.message)
        for notice in pilot.app._notifications
        if notice.identity not in before
    ]


async def try_one(
    pilot: Pilot[None], db: Database, field: str, text: str, by_keys: bool
) -> None:
    """One attempt: fill the field, save, and check what came of it."""
    before = assert_stored_account_is_valid(db)
    await put(pilot, field, text, by_keys)
    seen = {notice.identity for notice in pilot.app._notifications}

    await save(pilot)

    assert pilot.app.is_running
    said = new_notifications(pilot, seen)
    assert said, "ctrl+s gave no answer"
    assert UNEXPECTED not in said
    outcome = said[-1]
    after = assert_stored_account_is_valid(db)
    if outcome == FIX_FIELDS:
        refused = [
            name
            for name in (field, "password_confirmation")
            if field_error(pilot, name)
        ]
        assert refused, f"no field shows why {text!r} was refused"
        for name in refused:
            assert_french(field_error(pilot, name))
        assert after == before
        await restore(pilot, field, before)
    else:
        assert outcome in (SAVED, NOTHING_TO_SAVE), outcome
        assert field_value(pilot, field) == shown_value(after, field)


@settings(
    max_examples=3,
    deadline=None,
    # Each example runs the editor: shrinking a failure would take minutes,
    # and the failing steps are reported as drawn.
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_hostile_text_in_any_field_is_refused_in_french_or_stored_valid(
    demo_db: Database, data: st.DataObject
) -> None:
    steps = data.draw(
        st.lists(
            st.tuples(st.sampled_from(FIELDS), hostile_text, st.booleans()),
            min_size=1,
            max_size=4,
        )
    )

    async def session() -> None:
        async with running_app(demo_db, sign_in_as=LOGIN) as pilot:
            for field, text, by_keys in steps:
                await try_one(pilot, demo_db, field, text, by_keys)

    asyncio.run(session())
