"""Modal dialogs: a yes/no confirmation and the save-conflict dialog."""
