"""manage.py in a fresh process, for what only a new interpreter shows: settings read at start-up."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Runs manage.py in a fresh process with only the given environment (plus PATH)."""
    return subprocess.run(  # noqa: S603 -- our own manage.py, fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={"PATH": os.environ.get("PATH", ""), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
