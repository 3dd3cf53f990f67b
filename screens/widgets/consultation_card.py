"""The text of one consultation card on the dashboard, line by line.

A card is five lines::

    ★ JLV770 | JL TEST V7.7.0
      E  V  C  OA  D                      Date limite : 29/07/2022 16:00
      Objet : Consultation de recette de la version 7.7.0 de la plateforme…
      Appel d'offres ouvert | Services | Allotie
      Retraits (3) | Questions (1) | Dépôts (0)

The list that shows cards (``consultation_list``) decides their colours: this
module only says which part of a line is what, through ``CardStyles``.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.style import Style
from rich.text import Text

from amp_tui.consultations import PHASES, ConsultationCard

CARD_LINES = 5
"""How many lines a card's text takes."""

STAR_ON = "★"
STAR_OFF = "☆"
INDENT = "  "

STAR_META = Style.from_meta({"star": True})
"""Marks the ★ so that a click on it toggles the favourite."""


@dataclass(frozen=True)
class CardStyles:
    """The styles a card's parts are drawn in, from the list's CSS."""

    star: Style
    reference: Style
    phase: Style
    current_phase: Style
    label: Style


def card_lines(card: ConsultationCard, width: int, styles: CardStyles) -> list[Text]:
    """The five lines of ``card``, each cut to ``width`` cells."""
    title = Text(no_wrap=True, overflow="ellipsis")
    title.append(STAR_ON if card.favourite else STAR_OFF, styles.star + STAR_META)
    title.append(" ")
    title.append(card.reference, styles.reference)
    title.append(f" | {card.title}")

    deadline = Text(no_wrap=True)
    deadline.append("Date limite : ", styles.label)
    deadline.append(card.deadline_text)
    phases = Text(INDENT, no_wrap=True)
    for phase in PHASES:
        phases.append(
            f" {phase} ", styles.current_phase if phase == card.phase else styles.phase
        )
    gap = width - phases.cell_len - deadline.cell_len
    phases.append(" " * max(gap, 2))
    phases.append_text(deadline)

    objet = Text(INDENT, no_wrap=True, overflow="ellipsis")
    objet.append("Objet : ", styles.label)
    objet.append(" ".join(card.objet.split()))

    lots = "Allotie" if card.allotie else "Non allotie"
    kind = Text(f"{INDENT}{card.procedure} | {card.category} | {lots}", no_wrap=True)
    figures = Text(
        f"{INDENT}Retraits ({card.retraits}) | Questions ({card.questions}) | "
        f"Dépôts ({card.depots})",
        no_wrap=True,
    )
    lines = [title, phases, objet, kind, figures]
    for line in lines:
        line.truncate(width, overflow="ellipsis", pad=True)
    return lines


def placeholder_lines(width: int, message: str, style: Style) -> list[Text]:
    """Lines standing for a card not loaded yet."""
    first = Text(f"{INDENT}{message}", style=style, no_wrap=True)
    lines = [first, *(Text() for _ in range(CARD_LINES - 1))]
    for line in lines:
        line.truncate(width, overflow="ellipsis", pad=True)
    return lines
