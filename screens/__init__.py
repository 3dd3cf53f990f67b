"""The Textual interface of amp-tui: the app, its screens, dialogs and widgets.

It talks to the domain only through the service functions of ``amp_tui`` and
never builds SQL.
"""
