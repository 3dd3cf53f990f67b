"""Checking and normalizing what users type into an account.

Each validator takes the raw text of one field and returns the value to
store, or raises FieldErrors naming that field with a French message. They
never touch the database; uniqueness is checked where accounts are saved.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from amp_tui.errors import FieldErrors

NAME_MAX = 100
EMAIL_MAX = 100
PHONE_MAX_TYPED = 20
LOGIN_MAX = 255
PASSWORD_MIN = 8
PASSWORD_MAX = 128
DEFAULT_REGION = "FR"


# Bidirectional overrides and isolates can make stored text display as
# something else (a name that reads backwards), so they are refused too.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def has_control_characters(value: str) -> bool:
    """Tell whether a text holds control characters, lone surrogates or
    bidirectional overrides."""
    return any(
        unicodedata.category(char) in ("Cc", "Cs") or char in _BIDI_CONTROLS
        for char in value
    )


def _refuse(field: str, message: str) -> FieldErrors:
    return FieldErrors({field: message})


def clean_name(field: str, raw: str) -> str:
    """Validate NOM or Prénom: 1 to 100 characters once trimmed."""
    value = unicodedata.normalize("NFC", raw.strip())
    if not value:
        raise _refuse(field, "Champ obligatoire.")
    if has_control_characters(value):
        raise _refuse(field, "Caractères de contrôle interdits.")
    if len(value) > NAME_MAX:
        raise _refuse(field, f"{NAME_MAX} caractères au maximum.")
    return value


def clean_login(raw: str) -> str:
    """Validate an identifiant: 1 to 255 characters, no space or control."""
    value = unicodedata.normalize("NFC", raw.strip())
    if not value:
        raise _refuse("login", "Champ obligatoire.")
    if has_control_characters(value) or any(char.isspace() for char in value):
        raise _refuse("login", "Espaces et caractères de contrôle interdits.")
    if len(value) > LOGIN_MAX:
        raise _refuse("login", f"{LOGIN_MAX} caractères au maximum.")
    return value


def clean_email(raw: str) -> str:
    """Validate an e-mail address offline and return its normalized form."""
    from email_validator import EmailNotValidError, validate_email

    value = raw.strip()
    if not value:
        raise _refuse("email", "Champ obligatoire.")
    if has_control_characters(value):
        raise _refuse("email", "Caractères de contrôle interdits.")
    if len(value) > EMAIL_MAX:
        raise _refuse("email", f"{EMAIL_MAX} caractères au maximum.")
    try:
        normalized = validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise _refuse("email", "Adresse électronique invalide.") from error
    if len(normalized) > EMAIL_MAX:
        raise _refuse("email", f"{EMAIL_MAX} caractères au maximum.")
    return normalized


def email_key(email: str) -> str:
    """The key under which addresses must be unique: case and form folded.

    NFKC then casefold, so that ``Élodie@x.fr``, ``élodie@x.fr`` and the
    decomposed spelling of either share one key on every database.
    """
    return unicodedata.normalize("NFKC", email).casefold()


def clean_phone(field: str, raw: str) -> str | None:
    """Validate an optional phone or fax number; return it in E.164."""
    import phonenumbers

    value = raw.strip()
    if not value:
        return None
    if has_control_characters(value):
        raise _refuse(field, "Caractères de contrôle interdits.")
    if len(value) > PHONE_MAX_TYPED:
        raise _refuse(field, f"{PHONE_MAX_TYPED} caractères au maximum.")
    try:
        number = phonenumbers.parse(value, DEFAULT_REGION)
    except phonenumbers.NumberParseException as error:
        raise _refuse(field, "Numéro de téléphone invalide.") from error
    if not phonenumbers.is_valid_number(number):
        raise _refuse(field, "Numéro de téléphone invalide.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str | None) -> str:
    """Show a stored number: national format for France, else international."""
    import phonenumbers

    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    if phonenumbers.region_code_for_number(number) == DEFAULT_REGION:
        return phonenumbers.format_number(
            number, phonenumbers.PhoneNumberFormat.NATIONAL
        )
    return phonenumbers.format_number(
        number, phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, case-folded."""
    from amp_tui.config import data_dir

    path = data_dir() / "common-passwords.txt"
    with path.open(encoding="utf-8") as lines:
        return frozenset(
            line.strip().casefold()
            for line in lines
            if line.strip() and not line.startswith("#")
        )


def password_problem(password: str, login: str) -> str | None:
    """Return why a new password breaks the policy, or None when it is fine."""
    if len(password) < PASSWORD_MIN:
        return f"{PASSWORD_MIN} caractères au minimum."
    if len(password) > PASSWORD_MAX:
        return f"{PASSWORD_MAX} caractères au maximum."
    if has_control_characters(password):
        return "Caractères de contrôle interdits."
    classes = [
        any(char.islower() for char in password),
        any(char.isupper() for char in password),
        any(char.isdigit() for char in password),
        any(not char.isalnum() for char in password),
    ]
    if sum(classes) < 3:
        return (
            "Utilisez au moins 3 types de caractères parmi minuscules, "
            "majuscules, chiffres et autres caractères."
        )
    folded_login = login.strip().casefold()
    if folded_login and folded_login in password.casefold():
        return "Le mot de passe ne doit pas contenir l'identifiant."
    if password.casefold() in common_passwords():
        return "Mot de passe trop courant : choisissez-en un autre."
    return None


def clean_new_password(password: str, confirmation: str, login: str) -> str | None:
    """Check a password change. Blank means unchanged and returns None."""
    if not password and not confirmation:
        return None
    if not password:
        raise _refuse("password", "Saisissez le nouveau mot de passe.")
    problem = password_problem(password, login)
    if problem:
        raise _refuse("password", problem)
    if password != confirmation:
        raise _refuse("password_confirmation", "La confirmation ne correspond pas.")
    return password


def fold(text: str) -> str:
    """Fold text for searching: no accents, no case, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())
