"""Persistence: tables, every query, and full-text candidate retrieval per dialect."""
