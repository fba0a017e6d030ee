"""Every command in README.md's shell blocks, run as written in a fresh copy of the checkout.

A block marked `<!-- not run: reason -->` is skipped by design (the reason says why); every other
command is run here: the servers (`make run`, `make serve`) until they answer, the rest to the end,
each with the exit status it should have.
"""

from __future__ import annotations

import re
import runpy
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.commands import BASE_DIR
from tests.support.readme import Served, checkout_copy, clean_env, free_port, serve_once, shell_blocks

pytestmark = pytest.mark.slow

SERVERS = frozenset({"make run", "make serve"})
# The exit status each command must end with; anything not listed must succeed.
# (make exits 2 when its recipe fails: here, when manage.py doctor exits 1.)
EXPECTED_EXIT = {"make doctor": 2, ".venv/bin/python manage.py doctor": 1}
# What the README's "$PASSWORD" holds when the test runs it.
PASSWORD = "a-long-enough-passphrase"
# What the background worker beside `make run` and `make serve` prints once it runs.
WORKER_STARTED = "Starting worker"


@dataclass(frozen=True)
class Ran:
    command: str
    returncode: int
    output: str


def runnable_blocks() -> list[tuple[str, ...]]:
    return [b.commands for b in shell_blocks() if b.not_run is None]


def test_every_command_outside_a_marked_block_is_run_here() -> None:
    commands = [c for block in runnable_blocks() for c in block]
    assert set(commands) & SERVERS == SERVERS
    # Each runnable block is either one server or commands that run to the end (run_block below).
    for block in runnable_blocks():
        assert len(block) == 1 or not set(block) & SERVERS, block


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return checkout_copy(tmp_path_factory.mktemp("readme-checkout"))


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("home")


@pytest.fixture(scope="module")
def after_make_run(checkout: Path, home: Path) -> Served:
    return serve_once(
        ["make", "run", f"PORT={free_port()}"], cwd=checkout, env=clean_env(home), printed=WORKER_STARTED
    )


@pytest.fixture(scope="module")
def after_make_serve(checkout: Path, home: Path, after_make_run: Served) -> Served:
    return serve_once(
        ["make", "serve", f"PORT={free_port()}"], cwd=checkout, env=clean_env(home), printed=WORKER_STARTED
    )


def run_block(commands: tuple[str, ...], *, cwd: Path, home: Path) -> list[Ran]:
    """Each command in its own shell, with the variables the block's `export` lines set before it."""
    exported: dict[str, str] = {}
    ran = []
    for command in commands:
        if match := re.fullmatch(r"export (\w+)=(\S*)", command):
            exported[match.group(1)] = match.group(2)
            continue
        result = subprocess.run(  # noqa: S603 -- the README's own commands, in a temporary copy
            ["/bin/bash", "-c", command],
            cwd=cwd,
            env=clean_env(home, PASSWORD=PASSWORD, **exported),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        ran.append(Ran(command, result.returncode, result.stdout + result.stderr))
    return ran


def warnings_in(output: str) -> set[str]:
    return set(re.findall(r"\((\w+\.W\d+)\)", output))


def test_make_run_migrates_prints_the_demo_login_once_and_serves(after_make_run: Served) -> None:
    assert after_make_run.output.count("username 'demo', password 'demo-therapist-2026'") == 1
    assert "Created 60 submissions" in after_make_run.output
    assert (after_make_run.status, after_make_run.head_status) == (200, 200)
    assert warnings_in(after_make_run.output) == set()
    assert "Traceback" not in after_make_run.output


def test_make_run_and_make_serve_run_the_worker_beside_the_server_and_stop_it_with_it(
    after_make_run: Served, after_make_serve: Served
) -> None:
    for served in (after_make_run, after_make_serve):
        assert WORKER_STARTED in served.output
        assert not served.left_running


def test_make_run_again_prints_the_login_once_and_adds_no_submissions(
    checkout: Path, home: Path, after_make_run: Served
) -> None:
    again = serve_once(["make", "run", f"PORT={free_port()}"], cwd=checkout, env=clean_env(home))
    assert again.output.count("username 'demo', password 'demo-therapist-2026'") == 1
    assert "Created" not in again.output
    assert again.status == 200


def embedded_cache_is_per_process(monkeypatch: pytest.MonkeyPatch) -> bool:
    for name in ("REDIS_URL", "DATABASE_URL", "DJANGO_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DJANGO_SECRET_KEY", "only-to-read-the-settings")
    backend = runpy.run_path(str(BASE_DIR / "clinic" / "settings.py"))["CACHES"]["default"]["BACKEND"]
    return backend.endswith(".LocMemCache")


def test_make_serve_starts_without_warnings_and_sends_http_to_https(
    after_make_serve: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    # axes.W001 (lockouts counted per process) goes once the embedded default is a shared cache;
    # until then it is the one warning allowed, and never silenced.
    allowed = {"axes.W001"} if embedded_cache_is_per_process(monkeypatch) else set()
    assert warnings_in(after_make_serve.output) <= allowed
    assert "AXES: BEGIN" not in after_make_serve.output
    assert after_make_serve.status == 301
    assert after_make_serve.location == "https://localhost/"
    assert after_make_serve.head_status == 301


def test_make_serve_without_the_redirect_serves_plain_http(
    checkout: Path, home: Path, after_make_serve: Served
) -> None:
    # The README's way to try the production configuration on this machine.
    env = clean_env(home, DJANGO_SECURE_SSL_REDIRECT="false")
    served = serve_once(["make", "serve", f"PORT={free_port()}"], cwd=checkout, env=env)
    assert (served.status, served.head_status) == (200, 200)


@pytest.fixture(scope="module")
def ran(checkout: Path, home: Path, after_make_serve: Served) -> dict[str, Ran]:
    """Every command of the README's other runnable blocks, in order, after `make run` and `make serve`."""
    results: dict[str, Ran] = {}
    for block in runnable_blocks():
        if set(block) & SERVERS:
            continue
        for result in run_block(block, cwd=checkout, home=home):
            results[result.command] = result
    return results


def test_every_other_readme_command_ends_as_it_should(ran: dict[str, Ran]) -> None:
    wrong = [
        f"{r.command} -> {r.returncode}:\n{r.output}"
        for r in ran.values()
        if r.returncode != EXPECTED_EXIT.get(r.command, 0)
    ]
    assert wrong == []
    assert len(ran) >= 10


def test_make_demo_therapist_gives_make_serve_a_login(ran: dict[str, Ran]) -> None:
    output = ran["make demo-therapist"].output
    assert output.count("Demo therapist login: username 'demo', password 'demo-therapist-2026'") == 1


def test_make_doctor_on_this_machine_lists_what_production_lacks(ran: dict[str, Ran]) -> None:
    output = ran["make doctor"].output
    assert "OK   debug: DEBUG is off" in output
    assert "OK   secret key:" in output
    assert "FIX  allowed hosts: DJANGO_ALLOWED_HOSTS names only this machine" in output
    assert "FIX  proxy and https: no trusted TLS proxy" in output
    assert "to fix before this configuration is ready for production" in output


def test_the_useful_commands_do_what_the_readme_says(ran: dict[str, Ran]) -> None:
    by_start = {command.split("  #")[0]: r.output for command, r in ran.items()}
    created = by_start[
        'echo "$PASSWORD" | .venv/bin/python manage.py create_therapist USERNAME --password-stdin'
    ]
    assert "Therapist 'USERNAME' created." in created
    assert "FIX  debug: DEBUG is on" in by_start[".venv/bin/python manage.py doctor"]
    assert "Dry run: would purge" in by_start[".venv/bin/python manage.py purge_submissions --dry-run"]


def test_make_therapist_names_the_login_and_asks_for_its_password(
    checkout: Path, home: Path, after_make_serve: Served
) -> None:
    # The README's `make therapist NAME=tess`. A new session has no terminal, so the password
    # prompt reads standard input, as it would from a pipe.
    def make_therapist(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 -- make with a fixed target, in a temporary copy
            ["make", "--no-print-directory", "therapist", *args],  # noqa: S607
            cwd=checkout,
            env=clean_env(home),
            input=f"{PASSWORD}\n{PASSWORD}\n",
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            start_new_session=True,
        )

    unnamed = make_therapist()
    assert unnamed.returncode == 2
    assert "Name the login: make therapist NAME=tess" in unnamed.stderr
    named = make_therapist("NAME=tess")
    assert named.returncode == 0, named.stdout + named.stderr
    assert "Therapist 'tess' created." in named.stdout
