"""Save the README's pictures of the editor, drawn on a throwaway demo database.

Run it from the checkout::

    python tools/screenshots.py            # every picture
    python tools/screenshots.py coordonnees

Each Shot names the picture, who signs in, and the keys pressed before the
picture is taken: one per tab of the account, F2 to F5.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from textual import events
from textual.pilot import Pilot
from textual.widgets import Input

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from amp_tui.database import Database  # noqa: E402
from amp_tui.demo import DEMO_PASSWORD, demo_database  # noqa: E402
from screens.app import AmpApp  # noqa: E402

SIZE = (80, 24)
OUTPUT = ROOT / "docs" / "screenshots"


@dataclass(frozen=True)
class Shot:
    """One picture: its name, the agent signed in, the keys pressed first."""

    name: str
    login: str
    keys: tuple[str, ...] = ()


SHOTS = (
    Shot("coordonnees", "acheteur.cea", keys=("f2",)),
    Shot("alertes", "acheteur.cea", keys=("f3",)),
    Shot("lieux-execution", "acheteur.cea", keys=("f4",)),
    Shot("comptes-associes", "acheteur.cea", keys=("f5",)),
)
"""One picture per tab of the demo buyer's account, as `amp-tui demo` opens it."""


async def settle(pilot: Pilot[None]) -> None:
    """Wait for the database workers and for the screen to catch up."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def take(db: Database, shot: Shot, folder: Path) -> Path:
    """Sign in with the keyboard, press the shot's keys, save the picture."""
    app = AmpApp(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.post_message(events.Paste(shot.login))
        await pilot.press("tab")
        app.post_message(events.Paste(DEMO_PASSWORD))
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press(*shot.keys)
        await settle(pilot)
        for field in app.screen.query(Input):
            field.cursor_blink = False
        app.clear_notifications()
        await pilot.pause()
        return Path(app.save_screenshot(f"{shot.name}.svg", str(folder)))


def main(argv: Sequence[str] | None = None) -> int:
    """Save the pictures named on the command line, or all of them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="NAME")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    known = {shot.name for shot in SHOTS}
    if unknown := set(args.names) - known:
        parser.error(f"unknown pictures {sorted(unknown)}; known: {sorted(known)}")
    wanted = [shot for shot in SHOTS if not args.names or shot.name in args.names]
    args.output.mkdir(parents=True, exist_ok=True)
    with demo_database() as (db, _path):
        for shot in wanted:
            print(asyncio.run(take(db, shot, args.output)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
