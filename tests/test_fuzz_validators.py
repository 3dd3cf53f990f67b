"""Every validator, fed hostile text: it answers in French and never lets bad
values through.

Hypothesis throws long, empty, control-character, right-to-left, emoji and
SQL-looking text at each validator of amp_tui/validation.py. A validator
either returns a value that meets the field's rule, or refuses with
FieldErrors naming its field and carrying a French message; nothing else may
escape. Then the same kind of text goes through ``save_account`` to a real
database, which must store only valid values.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from amp_tui.accounts import load_account, load_account_by_login, save_account
from amp_tui.database import Database
from amp_tui.errors import FieldErrors, StaleAccountError
from amp_tui.snapshots import AccountDraft, Actor
from amp_tui.validation import (
    EMAIL_MAX,
    LOGIN_MAX,
    NAME_MAX,
    PASSWORD_MAX,
    PASSWORD_MIN,
    clean_email,
    clean_login,
    clean_name,
    clean_new_password,
    clean_phone,
    common_passwords,
    email_key,
    fold,
    format_phone,
    has_control_characters,
    password_problem,
)

EXAMPLES = settings(max_examples=60, deadline=None)

NASTY = [
    "",
    " ",
    "\t\n",
    "\x00",
    "MARTIN\x00",
    "\x1b[31mrouge\x1b[0m",
    "\u202eNITRAM",
    "\u2066isolé\u2069",
    "مارتن",
    "מרטין",
    "Ελένη",
    "Сергей",
    "张伟",
    "👩‍💼",
    "😀" * 60,
    "Zoë\u0308",
    "e\u0301lodie",
    "ﬀ",
    "'; DROP TABLE agent; --",
    '" OR 1=1 --',
    "Robert'); DELETE FROM audit_event;--",
    "%_\\",
    "a" * 101,
    "a" * 5000,
    "\ud800",
    "\ufeffMARTIN",
    "+33 3 69 49 39 10",
    "03 69 49 39 10",
    "elodie.martin@alsace.eu",
    "ÉLODIE@ALSACE.EU",
    "x@" + "b" * 98 + ".fr",
]
"""Texts chosen by hand: the edges of each rule and the usual attacks."""

hostile_text = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=300),
    st.text(
        alphabet=st.characters(
            categories=("Cc", "Cf", "Zs", "Mn", "So", "Lo", "Lu", "Ll", "Nd", "Po")
        ),
        max_size=150,
    ),
    st.builds(
        lambda head, nasty, tail: head + nasty + tail,
        st.text(max_size=20),
        st.sampled_from(NASTY),
        st.text(max_size=20),
    ),
)
"""Anything a user could type or paste, weighted towards trouble."""

FRENCH_WORDS = re.compile(
    r"\b(caractères?|champ|obligatoire|invalide|adresse|numéro|téléphone|mot de "
    r"passe|identifiant|saisissez|confirmation|utilisez|interdits?|maximum|minimum|"
    r"courant|types|contenir)\b",
    re.IGNORECASE,
)
ENGLISH_WORDS = re.compile(
    r"\b(the|is|must|invalid|error|value|characters?|required|none|null|"
    r"exception|traceback)\b",
    re.IGNORECASE,
)


def assert_french_refusal(error: FieldErrors, field: str) -> None:
    """One message for the field, a French sentence fit to show a user."""
    assert list(error.errors) == [field], error.errors
    message = error.errors[field]
    assert message[:1].isupper() or message[:1].isdigit(), message
    assert message.endswith("."), message
    assert FRENCH_WORDS.search(message), message
    assert not ENGLISH_WORDS.search(message), message


def assert_clean_text(value: str, maximum: int) -> None:
    """Trimmed, composed, of an allowed length, without control characters."""
    assert value == value.strip()
    assert 1 <= len(value) <= maximum
    assert not has_control_characters(value)
    assert unicodedata.is_normalized("NFC", value)


@EXAMPLES
@given(raw=hostile_text, field=st.sampled_from(["nom", "prenom"]))
def test_a_name_is_refused_in_french_or_stored_clean(raw: str, field: str) -> None:
    try:
        value = clean_name(field, raw)
    except FieldErrors as error:
        assert_french_refusal(error, field)
        return
    assert_clean_text(value, NAME_MAX)
    assert clean_name(field, value) == value


@EXAMPLES
@given(raw=hostile_text)
def test_an_identifiant_is_refused_in_french_or_stored_clean(raw: str) -> None:
    try:
        value = clean_login(raw)
    except FieldErrors as error:
        assert_french_refusal(error, "login")
        return
    assert_clean_text(value, LOGIN_MAX)
    assert not any(char.isspace() for char in value)
    assert clean_login(value) == value


@EXAMPLES
@given(raw=hostile_text)
def test_an_address_is_refused_in_french_or_stored_normalized(raw: str) -> None:
    try:
        value = clean_email(raw)
    except FieldErrors as error:
        assert_french_refusal(error, "email")
        return
    assert len(value) <= EMAIL_MAX
    assert not has_control_characters(value)
    local, _, domain = value.rpartition("@")
    assert local and domain
    assert clean_email(value) == value
    assert email_key(value) == email_key(email_key(value))


@EXAMPLES
@given(
    raw=st.one_of(
        hostile_text,
        st.from_regex(r"\A\+?[0-9 .()-]{0,24}\Z"),
        st.builds("0{}{:08d}".format, st.integers(1, 9), st.integers(0, 10**8 - 1)),
    ),
    field=st.sampled_from(["telephone", "telecopieur"]),
)
def test_a_phone_number_is_refused_in_french_or_stored_in_e164(
    raw: str, field: str
) -> None:
    try:
        value = clean_phone(field, raw)
    except FieldErrors as error:
        assert_french_refusal(error, field)
        return
    if value is None:
        assert raw.strip() == ""
        return
    assert re.fullmatch(r"\+[1-9][0-9]{6,14}", value), value
    shown = format_phone(value)
    assert shown and not has_control_characters(shown)
    if value.startswith("+33"):
        assert clean_phone(field, shown) == value


@EXAMPLES
@given(password=hostile_text, login=hostile_text)
def test_a_new_password_is_refused_in_french_or_meets_the_policy(
    password: str, login: str
) -> None:
    problem = password_problem(password, login)
    if problem is not None:
        assert_french_refusal(FieldErrors({"password": problem}), "password")
        return
    assert PASSWORD_MIN <= len(password) <= PASSWORD_MAX
    assert not has_control_characters(password)
    kinds = (str.islower, str.isupper, str.isdigit, lambda c: not c.isalnum())
    assert sum(any(kind(char) for char in password) for kind in kinds) >= 3
    assert password.casefold() not in common_passwords()
    folded = login.strip().casefold()
    assert not folded or folded not in password.casefold()


@EXAMPLES
@given(password=hostile_text, confirmation=hostile_text)
def test_a_password_change_names_the_field_at_fault(
    password: str, confirmation: str
) -> None:
    try:
        value = clean_new_password(password, confirmation, "acheteur.cea")
    except FieldErrors as error:
        (field,) = error.errors
        assert field in ("password", "password_confirmation")
        assert_french_refusal(error, field)
        return
    if value is None:
        assert password == confirmation == ""
    else:
        assert value == password == confirmation


@EXAMPLES
@given(raw=hostile_text)
def test_search_folding_and_the_control_check_take_any_text(raw: str) -> None:
    folded = fold(raw)

    assert folded == fold(folded)
    assert folded == folded.strip()
    assert isinstance(has_control_characters(raw), bool)


SUPPORT = Actor(login="support.fuzz", role="support")


@pytest.fixture
def agent_id(demo_db: Database) -> int:
    """The account the service test saves, found once: its login may change."""
    return load_account_by_login(demo_db, actor=SUPPORT, login="acheteur.ccpb").id


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    values=st.fixed_dictionaries(
        {
            name: st.one_of(st.none(), hostile_text)
            for name in ("nom", "prenom", "telephone", "telecopieur", "email", "login")
        }
    )
)
@example(
    values={
        "nom": "Robert'); DELETE FROM audit_event;--",
        "prenom": "مارتن 👩‍💼",
        "telephone": "+33 3 69 49 39 10",
        "telecopieur": None,
        "email": "ÉLODIE@ALSACE.EU",
        "login": "admin'--;DROP",
    }
)
def test_the_account_service_stores_only_valid_values(
    demo_db: Database, agent_id: int, values: dict[str, Any]
) -> None:
    stored = load_account(demo_db, actor=SUPPORT, agent_id=agent_id)
    draft = AccountDraft.from_snapshot(stored)
    for name, value in values.items():
        if value is not None:
            setattr(draft, name, value)
    try:
        saved = save_account(
            demo_db,
            actor=SUPPORT,
            agent_id=stored.id,
            base_version=stored.version,
            draft=draft,
        )
    except FieldErrors as error:
        for field in error.errors:
            assert_french_refusal(FieldErrors({field: error.errors[field]}), field)
        after = load_account(demo_db, actor=SUPPORT, agent_id=agent_id)
        assert after == stored
        return
    except StaleAccountError:  # pragma: no cover - a single writer
        raise AssertionError("no one else writes this account") from None
    assert saved.nom == clean_name("nom", draft.nom)
    assert saved.prenom == clean_name("prenom", draft.prenom)
    assert saved.login == clean_login(draft.login)
    assert saved.email == clean_email(draft.email)
    for field in ("telephone", "telecopieur"):
        assert getattr(saved, field) == clean_phone(field, getattr(draft, field))
    assert load_account(demo_db, actor=SUPPORT, agent_id=agent_id) == saved
