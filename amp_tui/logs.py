"""Logging to a file, so that nothing is written over the screen the editor
draws on."""

from __future__ import annotations

import logging
import os
from pathlib import Path


def log_file() -> Path:
    """Where amp-tui writes its log."""
    from platformdirs import user_log_path

    return user_log_path("amp-tui", appauthor=False) / "amp-tui.log"


def configure(*, debug: bool = False) -> None:
    """Log INFO and above to the log file; with ``debug``, also to stderr."""
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if debug else logging.INFO)
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    path = log_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(path, encoding="utf-8")
        os.chmod(path, 0o600)
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(formatter)
    root.addHandler(handler)
    if debug:
        console = logging.StreamHandler()
        console.setFormatter(formatter)
        root.addHandler(console)
