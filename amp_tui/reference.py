"""French geography (INSEE COG 2026): régions, départements, collectivities.

The CSV files in ``data/`` are the source; the database tables are loaded
from them after every migration, so codes stay strings (``01``, ``2A``).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from sqlmodel import select

from amp_tui.config import data_dir
from amp_tui.database import Database
from amp_tui.models import Departement, Region

COLLECTIVITY_ZONE = "com"


@dataclass(frozen=True)
class RegionRow:
    """A région as read from the reference file."""

    code: str
    nom: str
    zone: str


@dataclass(frozen=True)
class DepartementRow:
    """A place of execution as read from the reference file."""

    code: str
    nom: str
    zone: str
    region_code: str | None
    region_nom: str | None
    lat: float | None
    lon: float | None

    @property
    def label(self) -> str:
        """The platform's way of naming a place: ``(67) Bas-Rhin``."""
        return f"({self.code}) {self.nom}"


def french_order(code: str) -> str:
    """Sort key that puts Corsica's 2A and 2B between 19 and 21, as French
    lists do (plain string order would put them after 29)."""
    return code.replace("2A", "20A").replace("2B", "20B")


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@lru_cache(maxsize=1)
def regions() -> tuple[RegionRow, ...]:
    """The 18 régions, metropolitan then overseas, by code."""
    rows = _read_csv(data_dir() / "regions.csv")
    return tuple(
        RegionRow(row["reg_code"], row["nom"], row["zone"])
        for row in rows
        if row["zone"] != COLLECTIVITY_ZONE
    )


@lru_cache(maxsize=1)
def departements() -> tuple[DepartementRow, ...]:
    """Every place of execution, sorted by code as French lists are."""
    rows = _read_csv(data_dir() / "departements.csv")
    places = [
        DepartementRow(
            code=row["code"],
            nom=row["nom"],
            zone=row["zone"],
            region_code=None if row["zone"] == COLLECTIVITY_ZONE else row["reg_code"],
            region_nom=None if row["zone"] == COLLECTIVITY_ZONE else row["reg_nom"],
            lat=float(row["lat"]) if row["lat"] else None,
            lon=float(row["lon"]) if row["lon"] else None,
        )
        for row in rows
    ]
    return tuple(sorted(places, key=lambda place: french_order(place.code)))


def departements_by_code() -> dict[str, DepartementRow]:
    """Places of execution keyed by code."""
    return {place.code: place for place in departements()}


def summary(codes: set[str] | frozenset[str]) -> str:
    """The tab's one-line summary: ``(67) Bas-Rhin (68) Haut-Rhin``."""
    known = departements_by_code()
    ordered = sorted(codes, key=french_order)
    return " ".join(known[code].label for code in ordered if code in known)


def sync_reference_tables(db: Database) -> None:
    """Make the reference tables match the shipped files; safe to repeat."""
    with db.session(write=True) as session:
        stored_regions = {row.code: row for row in session.exec(select(Region))}
        for region in regions():
            stored_region = stored_regions.get(region.code)
            if stored_region is None:
                stored_region = Region(
                    code=region.code, nom=region.nom, zone=region.zone
                )
            stored_region.nom, stored_region.zone = region.nom, region.zone
            session.add(stored_region)
        session.flush()
        stored = {row.code: row for row in session.exec(select(Departement))}
        for place in departements():
            row = stored.get(place.code)
            if row is None:
                row = Departement(code=place.code, nom=place.nom, zone=place.zone)
            row.nom, row.zone = place.nom, place.zone
            row.region_code = place.region_code
            session.add(row)
