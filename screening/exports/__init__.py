"""Exports: rows or resources built apart from the view that sends them (STYLE.md 2.11)."""
