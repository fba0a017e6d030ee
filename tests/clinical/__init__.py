"""Tests of screening.clinical: pure Python, no database and no Django settings."""
