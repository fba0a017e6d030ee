"""README.md read as data: its shell blocks and their commands, its tables, its code spans.

And a temporary copy of the checkout in which the README's commands run, as a new user's would.
"""

from __future__ import annotations

import ast
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from tests.support.commands import BASE_DIR

README = BASE_DIR / "README.md"
SHELLS = frozenset({"sh", "bash", "shell", "console"})
FENCE = re.compile(r"^(\s*)```(\S*)\s*$")
NOT_RUN = re.compile(r"^\s*<!-- not run: (?P<reason>\S.*?) -->\s*$")
CODE_SPAN = re.compile(r"`([^`]+)`")


@dataclass(frozen=True)
class Block:
    language: str
    line: int  # of the opening fence, counted from 1
    body: tuple[str, ...]
    not_run: str | None  # the reason given in the marker above it, if any

    @property
    def commands(self) -> tuple[str, ...]:
        """Each command line without its trailing comment; comment-only lines are not commands."""
        found = []
        for raw in self.body:
            text = re.sub(r"\s+#.*$", "", raw).strip()
            if text and not text.startswith("#"):
                found.append(text)
        return tuple(found)


def blocks(text: str | None = None) -> list[Block]:
    lines = (README.read_text() if text is None else text).splitlines()
    found, index = [], 0
    while index < len(lines):
        if match := FENCE.match(lines[index]):
            start, language, indent = index, match.group(2), match.group(1)
            index += 1
            body = []
            while lines[index].strip() != "```":
                body.append(lines[index].removeprefix(indent))
                index += 1
            above = next((line for line in reversed(lines[:start]) if line.strip()), "")
            marker = NOT_RUN.match(above)
            found.append(Block(language, start + 1, tuple(body), marker and marker.group("reason")))
        index += 1
    return found


def shell_blocks() -> list[Block]:
    return [b for b in blocks() if b.language in SHELLS]


def section(title: str) -> list[str]:
    """The lines under a `## title` heading, up to the next heading of that level."""
    lines = README.read_text().splitlines()
    start = lines.index(f"## {title}") + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("## ")), len(lines))
    return lines[start:end]


def cells(row: str) -> list[str]:
    return [cell.strip() for cell in row.strip().strip("|").split("|")]


def code_spans(text: str) -> list[str]:
    return CODE_SPAN.findall(text)


# ---------------------------------------------------------------- environment variables in code


def _value(node: ast.expr) -> object:
    """A default written as a constant, or arithmetic on constants; anything else is None."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult | ast.Add):
        left, right = _value(node.left), _value(node.right)
        if isinstance(left, int) and isinstance(right, int):
            return left * right if isinstance(node.op, ast.Mult) else left + right
    return None


@dataclass(frozen=True)
class EnvRead:
    name: str
    default: object  # a value; a (DEBUG off, DEBUG on) pair; or None when not a constant


def env_reads(path: Path, readers: frozenset[str]) -> list[EnvRead]:
    """Every `reader("NAME", default, ...)` in a module: os.getenv, os.environ.get and the named helpers."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = ast.unparse(node.func)
        first = node.args[0]
        if func not in readers or not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
            continue
        default: object = None
        if len(node.args) > 1:
            given = node.args[1]
            if isinstance(given, ast.IfExp) and ast.unparse(given.test) == "DEBUG":
                default = (_value(given.orelse), _value(given.body))
            else:
                default = _value(given)
        found.append(EnvRead(first.value, default))
    return found


# ---------------------------------------------------------------- a copy of the checkout


def checkout_copy(target: Path) -> Path:
    """The checkout's files (tracked, and new ones not ignored) with their times, sharing .venv."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],  # noqa: S607
        cwd=BASE_DIR,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = BASE_DIR / name
        if source.is_file() and not source.is_symlink():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            # copy2 keeps modification times, so make sees the packages as installed already.
            shutil.copy2(source, target / name)
    (target / ".venv").symlink_to((BASE_DIR / ".venv").resolve())
    return target


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    """What a new shell has: no DATABASE_URL, REDIS_URL or DJANGO_* from the test run."""
    return {"PATH": os.environ.get("PATH", ""), "HOME": str(home), "LANG": "C.UTF-8", **extra}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class Served:
    output: str
    status: int
    location: str
    head_status: int
    # A process of the command (the background worker, say) still alive after it stopped.
    left_running: bool


def _ask(port: int, method: str) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request(method, "/", headers={"Host": "localhost"})
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("Location", "")
    finally:
        connection.close()


def serve_once(
    command: list[str], *, cwd: Path, env: dict[str, str], timeout: float = 180, printed: str = ""
) -> Served:
    """Starts a server command, asks GET and HEAD of / once it answers and it has printed `printed`
    (e.g. the worker beside it has started), stops it, and returns all it printed."""
    log = cwd / f".serve-{command[-1].replace('=', '-')}.log"
    with log.open("w") as out:
        process = subprocess.Popen(  # noqa: S603 -- make with a fixed target
            command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    port = int(next(arg.split("=", 1)[1] for arg in command if arg.startswith("PORT=")))
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                status, location = _ask(port, "GET")
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"{' '.join(command)} did not serve:\n{log.read_text()}") from None
                time.sleep(0.5)
        head_status, _ = _ask(port, "HEAD")
        while printed not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        # The whole process group: make, and the server it started (with runserver's reloader child).
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    # gunicorn.conf.py gives its workers graceful_timeout (30 s) to finish after SIGTERM: on a busy
    # machine they take seconds, so the group gets that long, and a little more, to be gone.
    left_running = _group_alive(process.pid, within=35)
    if left_running:
        os.killpg(process.pid, signal.SIGKILL)
    return Served(log.read_text(), status, location, head_status, left_running)


def _group_alive(group: int, *, within: float) -> bool:
    """Whether any process of the group is still there after `within` seconds."""
    deadline = time.monotonic() + within
    while True:
        listed = subprocess.run(
            ["ps", "-e", "-o", "pgid=,stat="],  # noqa: S607
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split("\n")
        # A zombie (stat Z) has ended; only its parent has not collected it yet.
        if not any(
            line.split()[:1] == [str(group)] and not line.split()[1].startswith("Z")
            for line in listed
            if line.strip()
        ):
            return False
        if time.monotonic() > deadline:
            return True
        time.sleep(0.2)
