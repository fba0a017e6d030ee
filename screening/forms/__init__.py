"""Forms validate and adapt; they hold no clinical logic (STYLE.md 2.6)."""
