"""The layer rule: the domain never imports the interface or Textual, and
the interface never touches SQL libraries. Checked by import-linter's
contracts in pyproject.toml."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_import_contracts_hold() -> None:
    lint_imports = shutil.which("lint-imports") or str(
        Path(sys.executable).parent / "lint-imports"
    )

    result = subprocess.run(
        [lint_imports, str(ROOT / "pyproject.toml")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout


def test_importing_the_domain_loads_no_textual() -> None:
    code = (
        "import sys, amp_tui.cli, amp_tui.accounts, amp_tui.demo, amp_tui.schema;"
        "sys.exit(any(m == 'textual' or m.startswith(('textual.', 'screens'))"
        " for m in sys.modules))"
    )

    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
