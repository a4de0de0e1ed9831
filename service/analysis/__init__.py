"""The analysis core: pure functions from plain data to plain data, no I/O and no globals."""
