"""`amp-tui demo --web`: one throwaway demo per browser tab, offline.

The server runs as a real process on a free port of 127.0.0.1. Browser tabs
are played by websocket clients, and at the end by a real headless Chromium
(Debian's ``chromium`` package, see ``tests/chromium.py``): it loads the
page, waits for the account screen, switches tabs with a key, quits, and
keeps its screenshots in ``tests/artifacts/``.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest

from tests.chromium import CHROMIUM, chromium_page

TIMEOUT = 60.0
F3 = {"key": "F3", "code": "F3", "windowsVirtualKeyCode": 114}
CTRL_Q = {"key": "q", "code": "KeyQ", "windowsVirtualKeyCode": 81, "modifiers": 2}
BUYER_ACCOUNT = ("Mon compte personnel", "NOM *", "Quitter")
"""On screen once the demo buyer's account is open and has the keyboard."""
ALERTS_TAB = "Alertes liées à mes consultations favorites"


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def listening_addresses(port: int) -> set[str]:
    """The IPv4 addresses on which something listens on ``port`` (Linux)."""
    table = Path("/proc/net/tcp")
    if not table.exists():
        pytest.skip("needs Linux's /proc/net/tcp")
    addresses = set()
    for row in table.read_text().splitlines()[1:]:
        local, state = row.split()[1], row.split()[3]
        address, local_port = local.split(":")
        if state == "0A" and int(local_port, 16) == port:
            addresses.add(socket.inet_ntoa(bytes.fromhex(address)[::-1]))
    return addresses


def demo_folders(temp: Path) -> list[Path]:
    """The throwaway demo folders that exist under ``temp``."""
    return sorted(temp.glob("amp-tui-demo-*"))


async def eventually(check: Callable[[], bool], what: str) -> None:
    """Wait until ``check()`` holds."""
    deadline = time.monotonic() + TIMEOUT
    while not check():
        assert time.monotonic() < deadline, f"never happened: {what}"
        await asyncio.sleep(0.2)


@dataclass
class WebDemo:
    """`amp-tui demo --web` running on 127.0.0.1:``port``."""

    process: subprocess.Popen[str]
    port: int
    out: str = ""
    """What the server printed, once stopped."""
    err: str = ""
    """What the server printed on standard error, once stopped."""

    @property
    def url(self) -> str:
        """The page's address."""
        return f"http://127.0.0.1:{self.port}/"

    def stop(self, signum: int = signal.SIGTERM) -> int:
        """Send ``signum`` and return the server's exit status."""
        self.process.send_signal(signum)
        self.out, self.err = self.process.communicate(timeout=TIMEOUT)
        return self.process.returncode


@contextmanager
def web_demo(temp: Path, *args: str) -> Iterator[WebDemo]:
    """Start `amp-tui demo --web ARGS` on a free port and wait until it listens."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "amp_tui", "demo", "--web", "--port", str(port), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "TMPDIR": str(temp)},
    )
    try:
        deadline = time.monotonic() + TIMEOUT
        while not listening_on(port):
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.1)
        yield WebDemo(process=process, port=port)
    finally:
        if process.returncode is None:
            process.kill()
            process.communicate(timeout=TIMEOUT)


def listening_on(port: int) -> bool:
    """Whether 127.0.0.1:``port`` accepts connections."""
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@asynccontextmanager
async def browser_tab(
    demo: WebDemo, origin: str | None = None
) -> AsyncIterator[aiohttp.ClientWebSocketResponse]:
    """A browser tab's connection, once its demo has drawn its first screen."""
    async with (
        aiohttp.ClientSession() as http,
        http.ws_connect(
            f"ws://127.0.0.1:{demo.port}/ws?width=80&height=24", origin=origin
        ) as tab,
    ):
        drawn = 0
        while drawn < 1000:
            message = await asyncio.wait_for(tab.receive(), TIMEOUT)
            assert message.type == aiohttp.WSMsgType.BINARY, message
            drawn += len(message.data)
        reader = asyncio.create_task(drain(tab))
        try:
            yield tab
        finally:
            reader.cancel()


async def drain(tab: aiohttp.ClientWebSocketResponse) -> None:
    """Read what the demo draws, as a browser would, until the tab closes."""
    async for _ in tab:
        pass


async def test_each_browser_tab_gets_its_own_demo_deleted_when_it_closes(
    tmp_path: Path,
) -> None:
    with web_demo(tmp_path) as demo:
        async with browser_tab(demo) as first, browser_tab(demo):
            both = demo_folders(tmp_path)

            await first.close()
            await eventually(lambda: len(demo_folders(tmp_path)) == 1, "one left")

            assert len(both) == 2
            assert demo_folders(tmp_path)[0] in both
        await eventually(lambda: demo_folders(tmp_path) == [], "none left")


@pytest.mark.parametrize(
    "signum",
    [signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGKILL],
    ids=lambda signum: signum.name,
)
async def test_stopping_the_server_deletes_every_demo(
    tmp_path: Path, signum: signal.Signals
) -> None:
    with web_demo(tmp_path) as demo:
        async with browser_tab(demo), browser_tab(demo):
            assert len(demo_folders(tmp_path)) == 2

            code = await asyncio.to_thread(demo.stop, signum)  # tabs keep reading

            await eventually(lambda: demo_folders(tmp_path) == [], "demos deleted")
    assert code == (-signal.SIGKILL if signum == signal.SIGKILL else 0)


async def test_a_page_from_another_site_cannot_start_a_demo(tmp_path: Path) -> None:
    with web_demo(tmp_path) as demo:
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            async with browser_tab(demo, origin="http://example.org"):
                pass

        assert refused.value.status == 403
        assert demo_folders(tmp_path) == []
        async with browser_tab(demo, origin=demo.url.rstrip("/")):
            assert len(demo_folders(tmp_path)) == 1


async def test_the_page_loads_everything_from_the_demo_server(tmp_path: Path) -> None:
    with web_demo(tmp_path) as demo:
        async with aiohttp.ClientSession() as http:
            page = await (await http.get(demo.url)).text()
            links = re.findall(r'(?:src|href)="([^"]*)"', page)
            statuses = [
                (await http.get(demo.url + link[1:])).status
                for link in links
                if link.startswith("/")
            ]

    assert "://" not in page
    assert links and all(link.startswith(("/static/", "data:")) for link in links)
    assert set(statuses) == {200}


def test_the_demo_listens_on_this_machine_only_by_default(tmp_path: Path) -> None:
    with web_demo(tmp_path) as demo:
        assert listening_addresses(demo.port) == {"127.0.0.1"}
        demo.stop()

    assert demo.out.startswith(f"Démonstration sur http://127.0.0.1:{demo.port}/")
    assert demo.err == ""


def test_listening_on_another_address_needs_host_and_warns(tmp_path: Path) -> None:
    with web_demo(tmp_path, "--host", "0.0.0.0") as demo:
        assert listening_addresses(demo.port) == {"0.0.0.0"}
        demo.stop()

    assert demo.err.startswith("amp-tui: attention : la démonstration sera ouverte")
    assert f"0.0.0.0:{demo.port}" in demo.err


def run_demo_command(*args: str) -> subprocess.CompletedProcess[str]:
    """Run `amp-tui demo ARGS` to its end."""
    return subprocess.run(
        [sys.executable, "-m", "amp_tui", "demo", *args],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def test_a_port_in_use_is_one_clear_line() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        result = run_demo_command("--web", "--port", str(port))

    assert result.returncode == 1
    assert result.stderr == (
        f"amp-tui: Le port {port} est déjà utilisé : choisissez-en un autre avec "
        "--port.\n"
    )


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--port", "8001"], 1, "--port et --host ne servent qu'avec --web."),
        (["--web", "--port", "70000"], 2, "port invalide : 70000 (1 à 65535)"),
    ],
)
def test_bad_web_options_are_one_clear_line(
    args: list[str], code: int, message: str
) -> None:
    result = run_demo_command(*args)

    assert result.returncode == code
    assert message in result.stderr
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.skipif(CHROMIUM is None, reason="needs Chromium: apt-get install chromium")
async def test_a_browser_shows_the_demo_switches_tabs_and_quits_offline(
    tmp_path: Path,
) -> None:
    with web_demo(tmp_path) as demo:
        async with chromium_page(tmp_path / "chromium-profile") as page:
            await page.open(demo.url)
            await page.wait_for_screen(
                lambda text: all(shown in text for shown in BUYER_ACCOUNT),
                "the buyer's account and its keys",
            )
            before = await page.screenshot("web-demo-f2.png")

            await page.press(F3)
            text = await page.wait_for_screen(
                lambda text: ALERTS_TAB in text and "NOM *" not in text, "the F3 tab"
            )
            after = await page.screenshot("web-demo-f3.png")
            assert len(demo_folders(tmp_path)) == 1
            await page.press(CTRL_Q)
            await eventually(lambda: demo_folders(tmp_path) == [], "demo deleted")
            urls = page.requested_urls()

    assert "Mon compte personnel" in text
    assert after.startswith(b"\x89PNG") and after != before
    assert urls and all(
        url.startswith((demo.url, f"ws://127.0.0.1:{demo.port}/")) for url in urls
    ), urls
