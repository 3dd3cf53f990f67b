"""A real sshd for the end-to-end tests, set up as docs/ssh.md says.

``ssh_host_or_skip`` starts ``/usr/sbin/sshd`` on 127.0.0.1 on a free port,
with a fresh host key, a test user who signs in with a key made for the
test, and the guide's ``Match`` block, read from the guide itself, pointing
at the checkout's wrapper. ``SshHost.session`` runs a real ``ssh -tt`` in an
80×24 tmux pane that a test reads and types into.

The test user runs this environment's amp-tui under its own identity, so
every directory on the way to the Python interpreter, the environment and
the checkout must be traversable by others. Where one is not (``/root`` is
0700 on many machines, and a pyenv Python lives under it), the fixture adds
the others' execute bit for the duration of the tests and puts the mode
back afterwards; it never makes anything readable or writable.
"""

from __future__ import annotations

import os
import pwd
import shlex
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from amp_tui.database import Database
from amp_tui.demo import seed_demo
from amp_tui.schema import upgrade

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "ssh.md"
WRAPPER = ROOT / "deploy" / "amp-tui-ssh"
SSHD = Path("/usr/sbin/sshd")
USER = "amp-tui-e2e"
BLOCK_MARKER = "<!-- sshd-match-block"
GUIDE_GROUP = "Match Group amp-support"
GUIDE_COMMAND = "/usr/local/bin/amp-tui-ssh /etc/amp-tui/env"
SIZE = (80, 24)
TIMEOUT = 30.0
KEY_PAUSE = 0.3
TOOLS = (
    ("ssh", "openssh-client"),
    ("ssh-keygen", "openssh-client"),
    ("tmux", "tmux"),
    ("useradd", "passwd"),
    ("userdel", "passwd"),
)


def match_block() -> str:
    """The sshd ``Match`` block of the guide: the fenced block after the marker."""
    text = GUIDE.read_text(encoding="utf-8")
    after = text[text.index(BLOCK_MARKER) :]
    start = after.index("```")
    body = after[after.index("\n", start) + 1 :]
    return body[: body.index("```")]


def editor_command() -> Path:
    """This environment's amp-tui console script."""
    return Path(sys.executable).parent / "amp-tui"


def missing_prerequisite() -> str | None:
    """Why the end-to-end tests cannot run here, or None."""
    if os.geteuid() != 0:
        return "needs root, to start sshd and create a test user"
    if not SSHD.exists():
        return f"needs {SSHD} (apt-get install openssh-server)"
    for tool, package in TOOLS:
        if shutil.which(tool) is None:
            return f"needs {tool} (apt-get install {package})"
    if not editor_command().exists():
        return f"needs amp-tui installed beside {sys.executable} (pip install -e .)"
    return None


def skip_or_fail(reason: str) -> None:
    """Skip with the reason; under CI, where the test must run, fail."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"SSH end-to-end test cannot run: {reason}")
    pytest.skip(f"SSH end-to-end test: {reason}")


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def run(*argv: str | Path) -> None:
    """Run a setup command; fail the test with its output if it fails."""
    result = subprocess.run(
        [str(arg) for arg in argv], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        pytest.fail(f"{shlex.join(map(str, argv))}: {result.stdout}{result.stderr}")


def grant_traversal(paths: list[Path]) -> list[tuple[Path, int]]:
    """Let others traverse every folder on the way to ``paths``.

    Returns the folders changed with their former modes, to put back.
    """
    changed: list[tuple[Path, int]] = []
    seen: set[Path] = set()
    for path in paths:
        folders = [path, *path.parents] if path.is_dir() else list(path.parents)
        for folder in folders:
            if folder in seen:
                continue
            seen.add(folder)
            mode = stat.S_IMODE(folder.stat().st_mode)
            if not mode & stat.S_IXOTH:
                folder.chmod(mode | stat.S_IXOTH)
                changed.append((folder, mode))
    return changed


class TmuxPane:
    """A command running in a detached tmux pane of 80×24, on a private server."""

    def __init__(self, socket_path: Path, argv: list[str], env: dict[str, str]):
        """Start ``argv`` with ``env`` added; the pane stays after it ends."""
        self.socket_path = socket_path
        """The private tmux server's socket."""
        settings = [f"{name}={value}" for name, value in env.items()]
        command = shlex.join(["env", *settings, *argv])
        width, height = SIZE
        self.tmux(
            "new-session",
            "-d",
            "-x",
            str(width),
            "-y",
            str(height),
            "-s",
            "e2e",
            f'{command}; echo "[ssh exited $?]"; sleep 600',
        )

    def tmux(self, *args: str) -> str:
        """Run a tmux command on the private server; return what it prints."""
        env = {k: v for k, v in os.environ.items() if k != "TMUX"}
        env["LANG"] = "C.UTF-8"
        result = subprocess.run(
            ["tmux", "-S", str(self.socket_path), "-f", "/dev/null", "-u", *args],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        return result.stdout

    def screen(self, *, escapes: bool = False) -> str:
        """The text on the pane; with ``escapes``, with its colour sequences."""
        return self.tmux(
            "capture-pane", "-p", *(["-e"] if escapes else []), "-t", "e2e"
        )

    def wait_for(self, text: str, timeout: float = TIMEOUT) -> None:
        """Wait until ``text`` shows on the pane; fail with the screen if not."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.screen():
                return
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never showed; the screen:\n{self.screen()}")

    def type(self, text: str) -> None:
        """Type ``text`` as it is."""
        self.tmux("send-keys", "-t", "e2e", "-l", text)

    def keys(self, *keys: str) -> None:
        """Press keys named the tmux way: ``Enter``, ``Tab``, ``C-s``, ``F7``.

        Such keys move the focus or act, and the app does that after taking
        the keys already received: a short pause keeps text typed next from
        landing where the focus was.
        """
        for key in keys:
            self.tmux("send-keys", "-t", "e2e", key)
            time.sleep(KEY_PAUSE)

    def close(self) -> None:
        """Stop the private tmux server and what runs in it."""
        with suppress(subprocess.CalledProcessError):
            self.tmux("kill-server")


class SshHost:
    """A running sshd configured from the guide, and its test user."""

    def __init__(self, workdir: Path, port: int) -> None:
        """Describe the host set up in ``workdir``, listening on ``port``."""
        self.workdir = workdir
        """Keys, configuration, settings file and databases."""
        self.port = port
        """Where sshd listens on 127.0.0.1."""
        self.env_file = workdir / "env"
        """The wrapper's settings file, rewritten by ``configure``."""
        self.data_dir = workdir / "data"
        """A folder owned by the test user, for SQLite databases."""

    def configure(self, db: Database, **settings: str) -> None:
        """Point the wrapper at ``db`` and this environment's amp-tui.

        ``settings`` adds lines to the settings file, as a site would.
        """
        url = db.url.render_as_string(hide_password=False)
        lines = {
            "AMP_TUI_DATABASE_URL": url,
            "AMP_TUI_COMMAND": str(editor_command()),
            **settings,
        }
        self.env_file.write_text("".join(f"{k}={v}\n" for k, v in lines.items()))
        self.env_file.chmod(0o644)

    def sqlite_demo_database(self) -> Database:
        """A demo database in a file that the test user owns."""
        path = self.data_dir / f"demo-{uuid.uuid4().hex[:8]}.db"
        db = Database(make_url(f"sqlite:///{path}"))
        upgrade(db)
        seed_demo(db)
        db.dispose()
        account = pwd.getpwnam(USER)
        for file in self.data_dir.iterdir():
            os.chown(file, account.pw_uid, account.pw_gid)
        return db

    def ssh_command(self, *options: str) -> list[str]:
        """A real ssh client command to the test user, with the test's key."""
        return [
            "ssh",
            "-F",
            "/dev/null",
            "-i",
            str(self.workdir / "client_key"),
            "-p",
            str(self.port),
            "-o",
            "IdentitiesOnly=yes",
            "-o",
            "BatchMode=yes",
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            "UserKnownHostsFile=/dev/null",
            "-o",
            "LogLevel=ERROR",
            *options,
            f"{USER}@127.0.0.1",
        ]

    def run_ssh(self, *options: str) -> subprocess.CompletedProcess[str]:
        """Connect without a terminal; return the finished client."""
        return subprocess.run(
            self.ssh_command(*options),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    @contextmanager
    def session(self, **env: str) -> Iterator[TmuxPane]:
        """``ssh -tt`` in an 80×24 tmux pane, with ``env`` on the client side.

        Variables other than TERM are sent to the server (SendEnv), which
        accepts those the guide's block names.
        """
        sent = [name for name in env if name != "TERM"]
        options = ["-tt", *(["-o", f"SendEnv={' '.join(sent)}"] if sent else [])]
        pane = TmuxPane(self.workdir / "tmux.sock", self.ssh_command(*options), env)
        try:
            yield pane
        finally:
            pane.close()


def sshd_config(workdir: Path, port: int) -> str:
    """The test server's configuration, ending with the guide's block."""
    block = match_block()
    assert GUIDE_GROUP in block and GUIDE_COMMAND in block, block
    block = block.replace(GUIDE_GROUP, f"Match Group {USER}").replace(
        GUIDE_COMMAND, f"{WRAPPER} {workdir / 'env'}"
    )
    return (
        f"Port {port}\n"
        "ListenAddress 127.0.0.1\n"
        f"HostKey {workdir / 'host_key'}\n"
        f"PidFile {workdir / 'sshd.pid'}\n"
        f"AuthorizedKeysFile {workdir / 'authorized_keys'}\n"
        # The files of a temporary folder under /tmp cannot pass the
        # ownership checks meant for a home folder.
        "StrictModes no\n"
        "UsePAM no\n"
        "PubkeyAuthentication yes\n"
        "PasswordAuthentication no\n"
        "KbdInteractiveAuthentication no\n"
        "PermitRootLogin no\n"
        f"AllowUsers {USER}\n"
        "LogLevel VERBOSE\n" + block
    )


def add_test_user() -> bool:
    """Create the test user (key sign-in only); return False if it existed."""
    try:
        pwd.getpwnam(USER)
    except KeyError:
        run("useradd", "--create-home", "--shell", "/bin/sh", "--user-group", USER)
        created = True
    else:
        created = False
    # "*" rather than the locked "!": sshd without PAM refuses locked accounts,
    # even for key sign-in.
    run("usermod", "--password", "*", USER)
    return created


def check_user_can_run_the_editor() -> None:
    """Fail early, with the reason, if the test user cannot start amp-tui."""
    account = pwd.getpwnam(USER)
    result = subprocess.run(
        [sys.executable, "-c", "import screens.app"],
        user=account.pw_uid,
        group=account.pw_gid,
        extra_groups=[],
        env={"PATH": os.defpath, "HOME": account.pw_dir},
        cwd="/",
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(
            f"the test user cannot run {sys.executable}; are its folders "
            f"readable by others? {result.stderr.strip()[-500:]}"
        )


def start_sshd(config: Path, log: Path, port: int) -> subprocess.Popen[bytes]:
    """Start sshd in the foreground; skip with its log if it cannot listen."""
    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(SSHD), "-D", "-e", "-f", str(config)], stderr=output
        )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return process
        time.sleep(0.1)
    process.kill()
    process.wait()
    skip_or_fail(f"sshd did not start: {log.read_text()[-500:]}")
    raise AssertionError("unreachable")


def ssh_host_or_skip() -> Iterator[SshHost]:
    """Set up the host, yield it, and undo everything afterwards."""
    reason = missing_prerequisite()
    if reason:
        skip_or_fail(reason)
    workdir = Path(tempfile.mkdtemp(prefix="amp-tui-ssh-"))
    workdir.chmod(0o755)
    created = add_test_user()
    changed = grant_traversal(
        [Path(os.path.realpath(sys.executable)), Path(sys.prefix), ROOT, workdir]
    )
    process = None
    try:
        check_user_can_run_the_editor()
        for name in ("host_key", "client_key"):
            run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", workdir / name)
        authorized = workdir / "authorized_keys"
        shutil.copy(workdir / "client_key.pub", authorized)
        authorized.chmod(0o644)
        account = pwd.getpwnam(USER)
        data_dir = workdir / "data"
        data_dir.mkdir(mode=0o700)
        os.chown(data_dir, account.pw_uid, account.pw_gid)
        port = free_port()
        config = workdir / "sshd_config"
        config.write_text(sshd_config(workdir, port))
        # sshd's privilege separation folder; a service manager makes it.
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
        checked = subprocess.run(
            [str(SSHD), "-t", "-f", str(config)],
            capture_output=True,
            text=True,
            check=False,
        )
        if checked.returncode != 0:
            pytest.fail(f"the guide's Match block fails sshd -t: {checked.stderr}")
        process = start_sshd(config, workdir / "sshd.log", port)
        yield SshHost(workdir, port)
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=10)
        for folder, mode in reversed(changed):
            folder.chmod(mode)
        if created:
            subprocess.run(
                ["userdel", "--force", "--remove", USER],
                capture_output=True,
                check=False,
            )
        shutil.rmtree(workdir, ignore_errors=True)
