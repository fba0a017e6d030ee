"""Therapists' accounts: log-in, two-factor, session limits, lockout, rate limit, audit signals."""
