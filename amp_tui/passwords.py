"""Password hashing with argon2id; hashes are never logged or displayed."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from argon2 import PasswordHasher


@lru_cache(maxsize=1)
def hasher() -> PasswordHasher:
    """The argon2id hasher with the library's current recommended parameters."""
    from argon2 import PasswordHasher

    return PasswordHasher()


def hash_password(password: str) -> str:
    """Hash a password with argon2id."""
    return hasher().hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    """Tell whether a password matches its stored hash."""
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return hasher().verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """Tell whether a hash was made with parameters that have since changed."""
    from argon2.exceptions import InvalidHashError

    try:
        return hasher().check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True
