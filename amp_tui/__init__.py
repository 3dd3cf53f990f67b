"""amp-tui: a keyboard-first terminal editor for buyer-agent accounts.

The ``amp_tui`` package holds the domain, storage, services and command line.
It never imports Textual; the interface lives in the top-level ``screens``
package.
"""

__version__ = "0.1.0"
