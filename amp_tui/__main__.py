"""Allow ``python -m amp_tui``."""

from amp_tui.cli import main

raise SystemExit(main())
