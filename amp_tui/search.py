"""The account finder: search as you type over a token index, a page at a time.

Each agent's names, identifiant, e-mail and entity are cut into folded words
(no case, no accents) stored in ``agent_search_token``. A query word matches
the words it begins, so the lookup is a range scan on an index and a page
costs about the same with ten thousand agents as with a million. Pages are
keyed on the last row shown (keyset paging), never by an offset.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, and_, delete, exists, insert, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from amp_tui.database import Database
from amp_tui.models import Agent, AgentSearchToken, Entity
from amp_tui.validation import fold

TOKEN_MAX = 255
# What a results row shows, read in the same query that finds the page.
SUMMARY_COLUMNS = (
    col(Agent.id),
    col(Agent.login),
    col(Agent.nom),
    col(Agent.prenom),
    col(Agent.email),
    col(Entity.sigle),
    col(Agent.locked),
    col(Agent.active),
)
_SEPARATORS = re.compile(r"[^0-9a-z]+")


@dataclass(frozen=True)
class AccountSummary:
    """One row of the account finder."""

    id: int
    login: str
    nom: str
    prenom: str
    email: str
    entite: str
    locked: bool
    active: bool


@dataclass(frozen=True)
class AccountPage:
    """A page of results and the cursor of the next one (None at the end)."""

    rows: list[AccountSummary]
    next_after: str | None


def search_key_for(agent: Agent, entity: Entity) -> str:
    """The folded text shown order follows: nom, prénom, then the rest."""
    parts = (agent.nom, agent.prenom, agent.login, agent.email, entity.sigle)
    return fold(" ".join((*parts, entity.nom)))


def tokens_for(agent: Agent, entity: Entity) -> set[str]:
    """The words a search can start with to find this agent.

    Whole values (``jean-pierre``, ``acheteur.cea``, the full address) and
    their parts (``jean``, ``pierre``, ``cea``) are all words.
    """
    tokens: set[str] = set()
    for value in (
        agent.nom,
        agent.prenom,
        agent.login,
        agent.email,
        entity.sigle,
        entity.nom,
    ):
        for word in fold(value).split():
            tokens.add(word[:TOKEN_MAX])
            tokens.update(part for part in _SEPARATORS.split(word) if part)
    return tokens


def index_agent(session: Session, agent: Agent, entity: Entity) -> None:
    """Replace an agent's words in the index (call after any change)."""
    assert agent.id is not None
    session.execute(
        delete(AgentSearchToken).where(col(AgentSearchToken.agent_id) == agent.id)
    )
    rows = token_rows(agent.id, tokens_for(agent, entity))
    if rows:
        session.execute(insert(AgentSearchToken), rows)


def token_rows(agent_id: int, tokens: Iterable[str]) -> list[dict[str, object]]:
    """Rows for a bulk insert into the token index."""
    return [{"token": token, "agent_id": agent_id} for token in sorted(tokens)]


def prefix_range(word: str) -> tuple[str, str]:
    """The half-open range of words that begin with ``word``."""
    return word, word[:-1] + chr(ord(word[-1]) + 1)


def find_accounts(
    db: Database, *, query: str, limit: int = 50, after: str | None = None
) -> AccountPage:
    """Find accounts whose words begin with every word of ``query``.

    With an empty query every account is listed in name order. Results are
    ordered by the matched word, then by account; pass the page's
    ``next_after`` as ``after`` to get the next page.
    """
    words = sorted({word[:TOKEN_MAX] for word in fold(query).split()}, key=len)
    with db.session() as session:
        if not words:
            return list_all(session, limit, after)
        return search_words(session, words, limit, after)


def list_all(session: Session, limit: int, after: str | None) -> AccountPage:
    """Every account, in name order, one page."""
    statement: Any = (
        select(col(Agent.search_key).label("key"), *SUMMARY_COLUMNS)
        .join(Entity, col(Entity.id) == Agent.entity_id)
        .order_by(col(Agent.search_key), col(Agent.id))
    )
    if after is not None:
        key, agent_id = decode_cursor(after)
        statement = statement.where(
            or_(
                col(Agent.search_key) > key,
                and_(col(Agent.search_key) == key, col(Agent.id) > agent_id),
            )
        )
    return make_page(session.execute(statement.limit(limit + 1)).all(), limit)


def search_words(
    session: Session, words: list[str], limit: int, after: str | None
) -> AccountPage:
    """One page of the accounts matching every word.

    The longest word drives an index range scan; each row is the agent's
    first matching word only, so an agent never appears twice.
    """
    driver, others = words[-1], words[:-1]
    low, high = prefix_range(driver)
    token = AgentSearchToken.__table__.alias("token")  # type: ignore[attr-defined]
    earlier = aliased(AgentSearchToken)
    conditions = [
        token.c.token >= low,
        token.c.token < high,
        ~exists().where(
            col(earlier.agent_id) == token.c.agent_id,
            col(earlier.token) >= low,
            col(earlier.token) < token.c.token,
        ),
    ]
    for word in others:
        other_low, other_high = prefix_range(word)
        other = aliased(AgentSearchToken)
        conditions.append(
            exists().where(
                col(other.agent_id) == token.c.agent_id,
                col(other.token) >= other_low,
                col(other.token) < other_high,
            )
        )
    if after is not None:
        last_token, last_id = decode_cursor(after)
        conditions.append(
            or_(
                token.c.token > last_token,
                and_(token.c.token == last_token, token.c.agent_id > last_id),
            )
        )
    statement = (
        select(token.c.token.label("key"), *SUMMARY_COLUMNS)
        .join(Agent, col(Agent.id) == token.c.agent_id)
        .join(Entity, col(Entity.id) == Agent.entity_id)
        .where(*conditions)
        .order_by(token.c.token, token.c.agent_id)
        .limit(limit + 1)
    )
    return make_page(session.execute(statement).all(), limit)


def make_page(found: Sequence[Row[Any]], limit: int) -> AccountPage:
    """The page's summaries, in order, and the cursor of the next page.

    One row more than the page was asked for, to know whether one follows.
    """
    rows = [
        AccountSummary(
            id=row.id,
            login=row.login,
            nom=row.nom,
            prenom=row.prenom,
            email=row.email,
            entite=row.sigle,
            locked=row.locked,
            active=row.active,
        )
        for row in found[:limit]
    ]
    last = found[limit - 1] if len(found) > limit else None
    next_after = encode_cursor(last.key, last.id) if last is not None else None
    return AccountPage(rows, next_after)


def encode_cursor(key: str, agent_id: int) -> str:
    """An opaque cursor for the row after which the next page starts."""
    return f"{agent_id}:{key}"


def decode_cursor(cursor: str) -> tuple[str, int]:
    """Read a cursor made by encode_cursor."""
    agent_id, _, key = cursor.partition(":")
    return key, int(agent_id)
