"""Run every benchmark, print the table, and rewrite BENCHMARKS.md.

    python -m benchmarks                      # everything; seeds the finder's
                                              # databases on first use
    python -m benchmarks --smoke              # tiny sizes, a minute, for CI
    python -m benchmarks --finder-sizes 10000,100000
    python -m benchmarks --database-url postgresql+psycopg://postgres@host/db

PostgreSQL figures need a server: ``--database-url`` or, failing that, the
test suite's ``AMP_TUI_TEST_DATABASE_URL``; the benchmark creates its own
databases there. A smoke run checks that every benchmark still works and
asserts no timing; it leaves BENCHMARKS.md alone unless told ``--output``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = ROOT / "BENCHMARKS.md"
DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
SMOKE_SIZES = (200,)


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--smoke", action="store_true", help="tiny, quick run")
    parser.add_argument(
        "--finder-sizes",
        type=sizes,
        help="agents per finder database, comma-separated (10000,100000,1000000)",
    )
    parser.add_argument("--database-url", help="a PostgreSQL server to use")
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path(tempfile.gettempdir()) / "amp-tui-benchmarks",
        help="where seeded SQLite databases are kept between runs",
    )
    parser.add_argument("--output", type=Path, help="the Markdown file to rewrite")
    parser.add_argument("--rounds", type=int, help="launches and rounds (default 7)")
    return parser.parse_args(argv)


def sizes(text: str) -> tuple[int, ...]:
    """``10000,100000`` as numbers."""
    try:
        return tuple(int(part) for part in text.split(",") if part)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not a list of numbers: {text}") from error


def postgres_server(explicit: str | None) -> URL | None:
    """The PostgreSQL server's URL, or None to measure SQLite only."""
    raw = explicit or os.environ.get("AMP_TUI_TEST_DATABASE_URL")
    if not raw:
        return None
    from sqlalchemy.engine import make_url

    return make_url(raw).set(drivername="postgresql+psycopg")


def run_facts(server: URL | None) -> list[str]:
    """The load when the run starts, and the PostgreSQL server's version."""
    load = os.getloadavg()
    facts = [f"load average at the start of the run: {load[0]:.2f}, {load[1]:.2f}"]
    if server is not None:
        from sqlalchemy import create_engine, text

        engine = create_engine(server)
        with engine.connect() as connection:
            version = connection.execute(text("SHOW server_version")).scalar()
        engine.dispose()
        facts.append(f"PostgreSQL {version}, on the same machine")
    return facts


def main(argv: list[str]) -> int:
    """Measure, print, and write the Markdown file."""
    args = parse_args(argv)
    # Lifted before Textual is imported: the in-process key timings should
    # show the work a key causes, not the wait for the next of 60 ticks.
    os.environ["TEXTUAL_FPS"] = "1000"
    sys.path.insert(0, str(ROOT))
    from benchmarks import finder, keypress, saves, session
    from benchmarks.notes import NOTES
    from benchmarks.report import RERUN, text_table, write_markdown

    smoke = args.smoke
    rounds = args.rounds or (1 if smoke else 7)
    server = postgres_server(args.database_url)
    finder_sizes = args.finder_sizes or (SMOKE_SIZES if smoke else DEFAULT_SIZES)
    started = time.perf_counter()
    facts = run_facts(server)
    steps = [
        ("cold start", lambda: [session.cold_start(rounds)]),
        ("memory and traffic", lambda: session.memory_and_traffic(3 if smoke else 15)),
        ("key to frame", lambda: keypress.run(4 if smoke else 120, rounds)),
        ("save", lambda: saves.measure(5 if smoke else 100, server)),
        (
            "finder",
            lambda: finder.measure(
                finder_sizes,
                1 if smoke else 15,
                args.cache,
                server,
            ),
        ),
    ]
    figures = []
    for name, step in steps:
        print(f"{name} …", file=sys.stderr, flush=True)
        figures.extend(step())
    print(text_table(figures))
    print(f"\n{time.perf_counter() - started:.0f} s", file=sys.stderr)
    output = args.output or (None if smoke else DEFAULT_OUTPUT)
    if output is not None:
        write_markdown(output, figures, command=RERUN, notes=NOTES, facts=facts)
        print(f"wrote {output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
