"""The command palette's entries for the screen it was opened from.

A screen lists its commands by providing ``palette_commands()``; the
ScreenCommands provider offers them in the palette (`ctrl+p`), so that every
tab and every action can also be found by name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from textual.command import DiscoveryHit, Hit, Hits, Provider


@dataclass(frozen=True)
class PaletteCommand:
    """One entry of the palette: its French name, its help, what it does."""

    name: str
    help: str
    run: Callable[[], object]


@runtime_checkable
class HasPaletteCommands(Protocol):
    """A screen that offers commands to the palette."""

    def palette_commands(self) -> Iterable[PaletteCommand]:
        """The commands that apply now."""
        ...


class ScreenCommands(Provider):
    """Offer the calling screen's commands, listed and searched by name."""

    def commands(self) -> list[PaletteCommand]:
        """The commands of the screen the palette was opened from."""
        if isinstance(self.screen, HasPaletteCommands):
            return list(self.screen.palette_commands())
        return []

    async def discover(self) -> Hits:
        """List every command before anything is typed."""
        for command in self.commands():
            yield DiscoveryHit(command.name, command.run, help=command.help)

    async def search(self, query: str) -> Hits:
        """Offer the commands whose name matches what is typed."""
        matcher = self.matcher(query)
        for command in self.commands():
            score = matcher.match(command.name)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(command.name),
                    command.run,
                    help=command.help,
                )
