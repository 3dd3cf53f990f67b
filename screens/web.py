"""Serving the demo to web browsers, each browser tab on its own demo.

textual-serve starts one process per browser connection. Here that process
is ``amp-tui demo`` run by the same Python, so every tab gets its own
throwaway database, deleted when the tab closes or the server stops. The
page comes from ``web_page/``: it loads its script, style and font from this
server only, so the demo works without internet access.
"""

from __future__ import annotations

import asyncio
import errno
import ipaddress
import logging
import shlex
import signal
import sys
from pathlib import Path
from urllib.parse import urlsplit

from aiohttp import web
from textual_serve.server import Server

from amp_tui.errors import AmpError

log = logging.getLogger(__name__)

PAGE_TITLE = "amp-tui — démonstration"
PAGE_FOLDER = Path(__file__).parent / "web_page"
STOP_GRACE_SECONDS = 10.0
"""How long the server waits for the demos to delete their databases."""


def demo_command(role: str) -> str:
    """The shell command that runs one demo for one browser tab."""
    return "exec " + shlex.join([sys.executable, "-m", "amp_tui", "demo", "--as", role])


def is_loopback(host: str) -> bool:
    """Whether ``host`` only accepts connections from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def same_origin(request: web.Request) -> bool:
    """Whether a connection comes from a page this server served.

    Browsers let any web site open a websocket to 127.0.0.1 and say which
    site it was in ``Origin``; refusing foreign origins keeps other sites'
    pages from starting demos in the presenter's browser.
    """
    origin = request.headers.get("Origin")
    return origin is None or urlsplit(origin).netloc == request.host


class DemoServer(Server):
    """textual-serve's server with amp-tui's page, origin check and shutdown."""

    # Limitation: every browser tab starts a demo process of its own (about
    # 80 MB) and their number is not capped, so serve the demo beyond this
    # machine (--host) only to an audience you trust.

    def __init__(self, *, role: str, host: str, port: int) -> None:
        """Serve demos signed in as ``role`` on ``host``:``port``."""
        super().__init__(
            demo_command(role),
            host=host,
            port=port,
            title=PAGE_TITLE,
            templates_path=PAGE_FOLDER,
        )
        self.sessions: set[asyncio.Task[object]] = set()
        """The connections being served, one per browser tab."""

    def initialize_logging(self) -> None:
        """Keep amp-tui's own logging (to its log file)."""

    async def on_startup(self, app: web.Application) -> None:
        """Stop on SIGHUP as on SIGTERM, and say where the demo is."""
        asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, self.request_exit)
        host = f"[{self.host}]" if ":" in self.host else self.host
        print(
            f"Démonstration sur http://{host}:{self.port}/ (ctrl+c pour arrêter)",
            flush=True,
        )
        log.info("serving the demo on %s:%d", self.host, self.port)

    async def on_shutdown(self, app: web.Application) -> None:
        """End every demo, so that each one deletes its database."""
        running = set(self.sessions)
        for task in running:
            task.cancel()
        if running:
            await asyncio.wait(running, timeout=STOP_GRACE_SECONDS)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """Start a demo for one browser tab, unless another site asks."""
        if not same_origin(request):
            log.warning("refused a demo for origin %s", request.headers["Origin"])
            raise web.HTTPForbidden(text="Origine refusée.")
        task = asyncio.current_task()
        assert task is not None
        self.sessions.add(task)
        log.info("demo started (%d running)", len(self.sessions))
        try:
            return await super().handle_websocket(request)
        finally:
            self.sessions.discard(task)
            log.info("demo ended (%d running)", len(self.sessions))


def serve_demo(*, role: str, host: str, port: int) -> None:
    """Serve the demo until ctrl+c, SIGTERM or SIGHUP."""
    # Limitation: a server killed with SIGKILL cannot stop its demos. Each
    # demo notices within a second that its parent is gone and stops (see
    # amp_tui.demo.removed_when_stopped), except one still starting at that
    # very moment, which runs on until stopped by hand.
    try:
        DemoServer(role=role, host=host, port=port).serve()
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise AmpError(
                f"Le port {port} est déjà utilisé : choisissez-en un autre avec --port."
            ) from error
        raise AmpError(f"Impossible d'écouter sur {host}:{port} : {error}") from error
