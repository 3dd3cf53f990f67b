"""The four tabs of the account screen, one module each."""
