"""The help screen: every key binding of the screen underneath, by group."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Static

HelpGroups = list[tuple[str, list[tuple[str, str]]]]
"""Groups of (key, description) rows, each group under its title."""

KEY_NAMES = {
    "ctrl": "Ctrl",
    "shift": "Maj",
    "alt": "Alt",
    "escape": "Échap",
    "enter": "Entrée",
    "space": "Espace",
    "tab": "Tab",
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
    "delete": "Suppr",
    "backspace": "Retour arrière",
    "insert": "Inser",
    "home": "Début",
    "end": "Fin",
    "pageup": "Page préc.",
    "pagedown": "Page suiv.",
}
OTHER_GROUP = "Sur l'élément sélectionné"
# Keys that belong to the widgets themselves rather than to a screen.
FORM_KEYS: HelpGroups = [
    (
        "Dans un formulaire",
        [
            ("Tab / Maj+Tab", "Champ suivant / champ précédent"),
            ("Entrée", "Champ suivant ; sur un bouton : l'activer"),
            ("Entrée / Espace", "Sur Service : ouvrir la liste des services"),
        ],
    ),
    (
        "Dans la liste des services",
        [
            ("Lettres", "Filtrer les services par leur nom"),
            ("↑ / ↓", "Service précédent / suivant"),
            ("Entrée", "Choisir le service"),
            ("Échap", "Fermer sans rien changer"),
        ],
    ),
    (
        "Dans une fenêtre de dialogue",
        [
            ("o / n", "Répondre oui / non"),
            ("r", "Recharger le compte enregistré (conflit d'enregistrement)"),
            ("Échap", "Fermer la fenêtre sans rien changer"),
        ],
    ),
]


def key_label(key: str) -> str:
    """A key as the French help shows it: ``ctrl+s`` becomes ``Ctrl+S``.

    A letter alone stays as typed (``a``); with a modifier it is written in
    capitals, as on the keycap.
    """
    *modifiers, last = key.split("+")
    if last in KEY_NAMES:
        name = KEY_NAMES[last]
    elif len(last) == 1 and not modifiers:
        name = last
    elif len(last) == 1 or (last[0] == "f" and last[1:].isdigit()):
        name = last.upper()
    else:
        name = last.capitalize()
    return "+".join([*(KEY_NAMES.get(part, part) for part in modifiers), name])


def own_actions(node: object) -> set[str]:
    """The actions bound by amp-tui's own classes, not by Textual's."""
    return {
        binding.action
        for cls in type(node).__mro__
        if cls.__module__.startswith("screens.")
        for binding in Binding.make_bindings(vars(cls).get("BINDINGS", []))
    }


def binding_groups(app: App[Any], screen: Screen[Any]) -> HelpGroups:
    """The bindings of ``screen`` and of the app, grouped.

    A binding's group is its footer group if it has one, else the
    ``HELP_GROUP`` of the screen, app or widget that defines it, else
    OTHER_GROUP (keys of the focused widget, such as a tab's own keys).

    Keys that Textual binds itself (Tab in a screen, cursor keys in an
    input) are described by the fixed groups of FORM_KEYS instead; keys
    bound to one action are shown together.
    """
    rows: dict[str, dict[str, list[str]]] = {}
    descriptions: dict[str, str] = {}
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if binding.system or not binding.description:
            continue
        if binding.action not in own_actions(active.node):
            continue
        group = (
            binding.group.description
            if binding.group
            else getattr(active.node, "HELP_GROUP", OTHER_GROUP)
        )
        rows.setdefault(group, {}).setdefault(binding.action, []).append(key_label(key))
        descriptions[binding.action] = binding.tooltip or binding.description
    groups: HelpGroups = [
        (
            title,
            [
                (" / ".join(keys), descriptions[action])
                for action, keys in actions.items()
            ],
        )
        for title, actions in rows.items()
    ]
    return groups + FORM_KEYS


class HelpScreen(ModalScreen[None]):
    """Every binding that applies, grouped; any of its keys closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,q", "dismiss", "Fermer l'aide"),
    ]
    """
    | Key(s) | Description |
    | :- | :- |
    | escape, f1, q | Close the help. |
    """

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
    }
    HelpScreen > Vertical {
        width: 78;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: thick $primary;
        background: $panel;
        padding: 0 1;
    }
    HelpScreen .title {
        text-style: bold;
        width: 100%;
    }
    HelpScreen .group {
        text-style: bold underline;
        margin-top: 1;
    }
    HelpScreen .hint {
        color: $text-muted;
    }
    """

    def __init__(self, groups: HelpGroups) -> None:
        """Show ``groups`` of (key, description) rows."""
        super().__init__()
        self.groups = groups
        """What the help lists."""

    def compose(self) -> ComposeResult:
        """Lay out one block per group."""
        with Vertical():
            yield Label("Aide : raccourcis clavier", classes="title")
            yield Static(
                "Échap, F1 ou q : fermer l'aide ; ↑ ↓ : défiler.", classes="hint"
            )
            with VerticalScroll():
                for title, rows in self.groups:
                    yield Label(title, classes="group")
                    yield Static(self.render_rows(rows))

    @staticmethod
    def render_rows(rows: Iterable[tuple[str, str]]) -> Text:
        """Lay out rows as an aligned key column and a description column."""
        rows = list(rows)
        width = max(len(key) for key, _ in rows) + 2
        text = Text()
        for index, (key, description) in enumerate(rows):
            if index:
                text.append("\n")
            text.append(key.ljust(width), style="bold")
            text.append(description)
        return text

    def on_mount(self) -> None:
        """Let the arrow keys scroll the list at once."""
        self.query_one(VerticalScroll).focus()
