"""The shipped geography (INSEE COG 2026) and its tables."""

from __future__ import annotations

from sqlmodel import func, select

from amp_tui.database import Database
from amp_tui.models import Departement, Region
from amp_tui.reference import departements, regions, summary


def test_there_are_101_departements_in_18_regions() -> None:
    places = [place for place in departements() if place.zone != "com"]

    assert len(places) == 101
    assert len(regions()) == 18
    assert {place.region_code for place in places} == {
        region.code for region in regions()
    }


def test_codes_stay_strings() -> None:
    codes = {place.code for place in departements()}

    assert {"01", "2A", "2B", "971", "976", "988"} <= codes
    assert "1" not in codes and "20" not in codes


def test_each_departement_is_in_its_region() -> None:
    by_code = {place.code: place for place in departements()}

    assert by_code["67"].region_nom == "Grand Est"
    assert by_code["2A"].region_nom == "Corse"
    assert by_code["974"].region_nom == "La Réunion"
    assert by_code["75"].region_code == "11"
    assert by_code["988"].region_code is None


def test_french_order_puts_corsica_between_19_and_21() -> None:
    codes = [place.code for place in departements()]

    assert codes.index("19") < codes.index("2A") < codes.index("2B") < codes.index("21")


def test_the_summary_names_places_as_the_platform_does() -> None:
    assert summary({"68", "67"}) == "(67) Bas-Rhin (68) Haut-Rhin"


def test_the_tables_hold_the_reference_files(db: Database) -> None:
    with db.session() as session:
        assert session.exec(select(func.count()).select_from(Region)).one() == 18
        metro_and_overseas = session.exec(
            select(func.count())
            .select_from(Departement)
            .where(Departement.zone != "com")
        ).one()
        assert metro_and_overseas == 101
