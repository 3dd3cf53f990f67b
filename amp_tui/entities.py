"""How entities relate: the entities that depend on one, and transverse links.

An entity may depend on a parent entity, which may depend on another; the
chain is followed to any depth. A transverse association links two entities
that pool their services, in both directions, and is not followed further.
"""

from __future__ import annotations

from sqlmodel import Session, col, or_, select

from amp_tui.models import Entity, EntityTransverse


def descendant_entity_ids(session: Session, entity_id: int) -> set[int]:
    """The entities depending on ``entity_id``, at any depth (itself excluded)."""
    parents = dict(session.exec(select(Entity.id, Entity.parent_id)).all())
    found: set[int] = set()
    frontier = {entity_id}
    while frontier:
        frontier = {
            child
            for child, parent in parents.items()
            if parent in frontier and child is not None and child not in found
        }
        found |= frontier
    found.discard(entity_id)
    return found


def ancestor_entity_ids(session: Session, entity_id: int) -> set[int]:
    """The entities ``entity_id`` depends on, up to the root (itself excluded)."""
    found: set[int] = set()
    entity = session.get(Entity, entity_id)
    while entity is not None and entity.parent_id is not None:
        if entity.parent_id in found or entity.parent_id == entity_id:
            break  # a cycle in bad data: stop rather than loop
        found.add(entity.parent_id)
        entity = session.get(Entity, entity.parent_id)
    return found


def transverse_entity_ids(session: Session, entity_id: int) -> set[int]:
    """The entities linked to ``entity_id`` by a transverse association."""
    rows = session.exec(
        select(EntityTransverse).where(
            or_(
                col(EntityTransverse.entity_id) == entity_id,
                col(EntityTransverse.other_id) == entity_id,
            )
        )
    ).all()
    return {
        row.other_id if row.entity_id == entity_id else row.entity_id for row in rows
    }
