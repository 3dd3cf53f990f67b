"""Driving a real headless Chromium over the DevTools protocol, for web tests.

Debian's ``chromium`` package provides the browser; nothing is downloaded.
The protocol is spoken directly over a websocket with aiohttp, so the tests
need no browser-automation package. A page opened here can read the text
that textual-serve's xterm.js terminal shows, press keys in it, and save
screenshots to ``tests/artifacts/`` (ignored by git).
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import os
import shutil
import signal
import subprocess
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp

ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM = shutil.which("chromium")
"""Debian's Chromium launcher, or None when it is not installed."""
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--no-default-browser-check",
    "--remote-debugging-port=0",
]
TIMEOUT = 60.0
STEADY_SECONDS = 1.0
# textual.js keeps its xterm.js terminal out of reach; its addons store it
# in ``this._terminal``. A setter on Object.prototype catches it there, so
# that tests read the screen through xterm.js's own buffer API.
FIND_TERMINAL = """
Object.defineProperty(Object.prototype, "_terminal", {
  configurable: true,
  set(terminal) {
    Object.defineProperty(this, "_terminal", {
      value: terminal, writable: true, configurable: true, enumerable: true,
    });
    if (terminal && terminal.buffer && !window.ampTerminal) {
      window.ampTerminal = terminal;
    }
  },
});
"""
SCREEN_TEXT = """
(() => {
  const terminal = window.ampTerminal;
  if (!terminal) return "";
  const buffer = terminal.buffer.active;
  const rows = [];
  for (let y = 0; y < terminal.rows; y++) {
    rows.push(buffer.getLine(buffer.viewportY + y).translateToString(true));
  }
  return rows.join("\\n");
})()
"""


class Page:
    """One page of the browser, driven over a DevTools protocol session."""

    def __init__(self, socket: aiohttp.ClientWebSocketResponse) -> None:
        """Talk to the page over ``socket``."""
        self.socket = socket
        self.ids = itertools.count(1)
        self.replies: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self.events: list[dict[str, Any]] = []
        """Every event the page reported, oldest first."""
        self.reader = asyncio.create_task(self.read())

    async def read(self) -> None:
        """Hand each reply to its caller; keep the events."""
        async for message in self.socket:
            data = message.json()
            if "id" in data:
                self.replies.pop(data["id"]).set_result(data)
            else:
                self.events.append(data)

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        """Run one protocol command and return its result."""
        number = next(self.ids)
        reply = self.replies[number] = asyncio.get_running_loop().create_future()
        await self.socket.send_json({"id": number, "method": method, "params": params})
        data = await asyncio.wait_for(reply, TIMEOUT)
        assert "error" not in data, f"{method}: {data['error']}"
        result: dict[str, Any] = data["result"]
        return result

    async def open(self, url: str) -> None:
        """Load ``url`` in a 1000×600 window that has the keyboard."""
        for domain in ("Page", "Runtime", "Network"):
            await self.call(f"{domain}.enable")
        await self.call("Page.addScriptToEvaluateOnNewDocument", source=FIND_TERMINAL)
        await self.call(
            "Emulation.setDeviceMetricsOverride",
            width=1000,
            height=600,
            deviceScaleFactor=1,
            mobile=False,
        )
        await self.call("Emulation.setFocusEmulationEnabled", enabled=True)
        await self.call("Page.navigate", url=url)

    async def screen_text(self) -> str:
        """The text the page's terminal shows, row by row."""
        result = await self.call("Runtime.evaluate", expression=SCREEN_TEXT)
        return str(result["result"].get("value", ""))

    async def wait_for_screen(self, check: Callable[[str], bool], what: str) -> str:
        """Wait until the terminal's text passes ``check`` and stays the same
        for a second (the app may still be drawing the rest); return it."""
        deadline = time.monotonic() + TIMEOUT
        text, since = "", time.monotonic()
        while True:
            shown = await self.screen_text()
            if shown != text:
                text, since = shown, time.monotonic()
            elif check(text) and time.monotonic() - since >= STEADY_SECONDS:
                return text
            assert time.monotonic() < deadline, f"never shown: {what}\n{text}"
            await asyncio.sleep(0.2)

    async def press(self, key: dict[str, Any]) -> None:
        """Press and release a key (``key``, ``code``, key codes) in the page."""
        for kind in ("keyDown", "keyUp"):
            await self.call("Input.dispatchKeyEvent", type=kind, **key)

    async def screenshot(self, name: str) -> bytes:
        """Take a PNG screenshot and keep it as tests/artifacts/``name``."""
        result = await self.call("Page.captureScreenshot", format="png")
        image = base64.b64decode(result["data"])
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / ".gitignore").write_text("*\n")
        (ARTIFACTS / name).write_bytes(image)
        print(f"screenshot: {ARTIFACTS / name}")
        return image

    def requested_urls(self) -> list[str]:
        """Every address the page asked for: documents, files, websockets."""
        return [
            event["params"].get("request", event["params"]).get("url", "")
            for event in self.events
            if event["method"]
            in ("Network.requestWillBeSent", "Network.webSocketCreated")
        ]


@asynccontextmanager
async def chromium_page(profile: Path) -> AsyncIterator[Page]:
    """A fresh headless Chromium with one blank page, stopped at the end.

    ``profile`` is a new folder for the browser's profile; its log goes
    beside it, in ``chromium.log``.
    """
    assert CHROMIUM is not None
    log = (profile.parent / "chromium.log").open("w")
    browser = subprocess.Popen(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
        stdout=log,
        stderr=log,
        start_new_session=True,  # the launcher script may not exec Chromium
    )
    try:
        port = await devtools_port(profile, browser)
        async with aiohttp.ClientSession() as http:
            targets = await (await http.get(f"http://127.0.0.1:{port}/json")).json()
            target = next(target for target in targets if target["type"] == "page")
            async with http.ws_connect(
                target["webSocketDebuggerUrl"], max_msg_size=0
            ) as socket:
                page = Page(socket)
                try:
                    yield page
                finally:
                    page.reader.cancel()
    finally:
        os.killpg(browser.pid, signal.SIGTERM)
        try:
            browser.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(browser.pid, signal.SIGKILL)
            browser.wait()
        log.close()


async def devtools_port(profile: Path, browser: subprocess.Popen[bytes]) -> str:
    """The port Chromium chose for the DevTools protocol."""
    port_file = profile / "DevToolsActivePort"
    deadline = time.monotonic() + TIMEOUT
    while not (port_file.exists() and len(port_file.read_text().split()) == 2):
        assert browser.poll() is None, "Chromium stopped; see chromium.log"
        assert time.monotonic() < deadline, "Chromium did not start"
        await asyncio.sleep(0.1)
    return port_file.read_text().split()[0]
