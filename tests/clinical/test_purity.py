"""screening.clinical imports nothing from Django: it can run, and be tested, with no settings at all."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Imports every module of the package, then lists what got imported.
_IMPORT_EVERYTHING = """
import importlib, json, pkgutil, sys
import screening.clinical as package
names = [m.name for m in pkgutil.walk_packages(package.__path__, package.__name__ + ".")]
for name in names:
    importlib.import_module(name)
print(json.dumps({"clinical": names, "django": sorted(m for m in sys.modules if m.split(".")[0] == "django")}))
"""


def test_every_clinical_module_imports_in_a_fresh_interpreter_without_django() -> None:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))

    done = subprocess.run(  # noqa: S603 -- our own interpreter and a fixed script
        [sys.executable, "-c", _IMPORT_EVERYTHING],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    imported = json.loads(done.stdout)

    assert {"screening.clinical.questions", "screening.clinical.reasons", "screening.clinical.rules"} <= set(
        imported["clinical"]
    )
    assert imported["django"] == []
