"""How fast amp-tui feels, measured against plain Textual and plain SQL.

Run ``python -m benchmarks`` from the repository root; see ``__main__.py``.
"""
