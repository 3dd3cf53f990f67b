"""The account finder's results: one row per account, a page at a time.

The table keeps the AccountSummary behind each row, so that the screen asks
it which account is under the cursor. It says when the user comes near the
last row loaded, so that the screen can read the next page.
"""

from __future__ import annotations

from rich.text import Text
from textual.coordinate import Coordinate
from textual.message import Message
from textual.widgets import DataTable

from amp_tui.search import AccountSummary

PREFETCH = 15
"""Ask for the next page when the cursor comes this close to the last row."""

# Limitation: the widths are fixed for an 80-column terminal (with room for
# the scroll bar), so a wider terminal leaves blank space on the right and
# long values are cut with an ellipsis.
COLUMNS = (
    ("nom", "Nom", 16),
    ("login", "Identifiant", 16),
    ("email", "Adresse électronique", 20),
    ("entite", "Entité", 6),
    ("etat", "État", 10),
)
"""The columns: key, French heading, width in cells."""


def state_of(row: AccountSummary) -> str:
    """The État column: why an account cannot sign in, if it cannot."""
    if row.locked:
        return "verrouillé"
    if not row.active:
        return "inactif"
    return ""


def cell(value: str, style: str = "") -> Text:
    """A cell that ends with an ellipsis when cut."""
    return Text(value, style=style, no_wrap=True, overflow="ellipsis")


class AccountResults(DataTable[Text]):
    """Accounts found, keyed by account id, with a row cursor.

    | Key(s) | Description |
    | :- | :- |
    | up, down | Move the cursor; up on the first row posts LeftTop. |
    | pageup, pagedown | Move one page; nearing the end posts NearEnd. |
    | enter | Select the row (the finder opens the account). |

    The state column is plain text in bold, so that a locked account reads
    the same in 16 colours and without colour.
    """

    DEFAULT_CSS = """
    AccountResults > .datatable--cursor {
        text-style: bold;
    }
    """

    class NearEnd(Message):
        """The user reached the last rows loaded; the next page may be wanted."""

    class LeftTop(Message):
        """The user pressed up on the first row."""

    def __init__(self, *, id: str | None = None) -> None:
        """An empty table with the finder's columns."""
        super().__init__(id=id, cursor_type="row")
        self.summaries: dict[int, AccountSummary] = {}
        """The accounts shown, by id."""
        for key, heading, width in COLUMNS:
            self.add_column(heading, width=width, key=key)

    def show_page(self, rows: list[AccountSummary], *, append: bool) -> None:
        """Replace the rows by a first page, or add the next page after them."""
        if not append:
            self.clear()
            self.summaries.clear()
        for row in rows:
            if row.id in self.summaries:
                # An account edited between two pages may come round again.
                continue
            self.summaries[row.id] = row
            self.add_row(
                cell(f"{row.nom} {row.prenom}"),
                cell(row.login),
                cell(row.email),
                cell(row.entite),
                cell(state_of(row), style="bold"),
                key=str(row.id),
            )

    def selected(self) -> AccountSummary | None:
        """The account under the cursor, if any."""
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        return self.summaries.get(int(key or 0))

    def place_cursor_on(self, agent_id: int) -> None:
        """Put the cursor on an account, if it is shown."""
        if agent_id in self.summaries:
            self.move_cursor(row=self.get_row_index(str(agent_id)))

    def action_cursor_up(self) -> None:
        """Move up, or leave the table from its first row."""
        if self.cursor_row <= 0:
            self.post_message(self.LeftTop())
            return
        super().action_cursor_up()

    def watch_cursor_coordinate(self, old: Coordinate, new: Coordinate) -> None:
        """Ask for more rows as the cursor nears the end."""
        super().watch_cursor_coordinate(old, new)
        # Adding a row sets the cursor again where it is: only a move counts.
        near_end = self.cursor_row >= self.row_count - PREFETCH
        if new != old and self.row_count and near_end:
            self.post_message(self.NearEnd())

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        """Ask for more rows when scrolled to the end (with the mouse wheel)."""
        super().watch_scroll_y(old_value, new_value)
        scrolled_down = new_value > old_value
        if scrolled_down and new_value >= self.max_scroll_y - self.size.height:
            self.post_message(self.NearEnd())
