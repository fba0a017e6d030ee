"""What README.md states that can be checked without running it: tables, variables and their defaults, make targets."""

from __future__ import annotations

import re
from pathlib import Path

import gunicorn.config

from tests.support.commands import BASE_DIR
from tests.support.readme import (
    README,
    EnvRead,
    blocks,
    cells,
    code_spans,
    env_reads,
    section,
    shell_blocks,
)

# Where the app reads environment variables, and with what.
OUR_SOURCES = {
    BASE_DIR / "clinic" / "settings.py": frozenset({"os.getenv", "envbool", "envint", "envchoice"}),
    BASE_DIR / "clinic" / "mail_settings.py": frozenset({"os.getenv", "envbool", "envint", "envnumber"}),
    BASE_DIR / "gunicorn.conf.py": frozenset({"os.getenv", "_whole_number"}),
    BASE_DIR / "bench" / "run.py": frozenset({"os.getenv"}),
}
# gunicorn reads a few variables itself (FORWARDED_ALLOW_IPS); the table may document those too.
GUNICORN_SOURCE = Path(gunicorn.config.__file__)


def config_rows() -> list[list[str]]:
    table = [line for line in section("Configuration") if line.startswith("|")]
    return [cells(row) for row in table[2:]]


def documented() -> dict[str, tuple[str, ...]]:
    """Each variable in the configuration table and the code spans of its default cell (by position)."""
    found: dict[str, tuple[str, ...]] = {}
    for row in config_rows():
        names = code_spans(row[0])
        spans = code_spans(row[1])
        for position, name in enumerate(names):
            assert name not in found, f"{name} is listed twice in the configuration table"
            found[name] = (row[1], *(spans[position : position + 1] if len(names) > 1 else spans))
    return found


def spelled(value: object) -> str:
    return str(value).lower() if isinstance(value, bool | str) else str(value)


def default_problem(read: EnvRead, cell: str, spans: tuple[str, ...]) -> str | None:
    if read.default is None:
        return None  # computed at start (e.g. from the CPU count): the README describes it in words
    if isinstance(read.default, tuple):
        debug_off, debug_on = (spelled(v) for v in read.default)
        if [s.lower() for s in spans[:2]] != [debug_off, debug_on]:
            return f"should read `{debug_off}` with DEBUG off, `{debug_on}` with it on; reads {cell!r}"
        return None
    if read.default == "":
        return (
            None
            if cell.startswith("none")
            else f"has no default: the cell should start with 'none', not {cell!r}"
        )
    if not spans or spans[0].lower() != spelled(read.default).lower():
        return f"defaults to `{read.default}`; the table says {cell!r}"
    return None


def test_every_table_renders_as_one_table() -> None:
    # A run of | lines is a table only if its second line is the separator; a blank line inside a
    # table starts a second run without one, which Markdown shows as plain text.
    lines = README.read_text().splitlines()
    runs: list[list[str]] = []
    for index, line in enumerate(lines):
        if line.startswith("|"):
            if index and lines[index - 1].startswith("|"):
                runs[-1].append(line)
            else:
                runs.append([line])
    for run in runs:
        assert len(run) >= 2 and re.fullmatch(r"\|( *:?-{3,}:? *\|)+", run[1].replace(" ", "")), run[0]
        widths = {len(cells(row)) for row in run}
        assert widths == {len(cells(run[0]))}, f"rows of different widths in the table starting {run[0]!r}"


def test_the_configuration_table_is_one_table_with_three_columns() -> None:
    table = [line for line in section("Configuration") if line.startswith("|")]
    first = section("Configuration").index(table[0])
    assert section("Configuration")[first : first + len(table)] == table, (
        "a line inside the table is not a row"
    )
    assert cells(table[0]) == ["variable", "default", "meaning"]
    assert all(len(row) == 3 for row in config_rows())


def test_every_variable_the_app_reads_is_in_the_table_once_with_its_default() -> None:
    table = documented()
    problems = []
    for path, readers in OUR_SOURCES.items():
        for read in env_reads(path, readers):
            if read.name not in table:
                problems.append(f"{read.name} ({path.name}) is not in the configuration table")
                continue
            cell, *spans = table[read.name]
            if problem := default_problem(read, cell, tuple(spans)):
                problems.append(f"{read.name} ({path.name}) {problem}")
    assert problems == []


def test_every_variable_in_the_table_is_read_by_the_app_or_gunicorn() -> None:
    ours = {read.name for path, readers in OUR_SOURCES.items() for read in env_reads(path, readers)}
    gunicorns = {read.name: read for read in env_reads(GUNICORN_SOURCE, frozenset({"os.environ.get"}))}
    table = documented()
    for name in set(table) - ours:
        assert name in gunicorns, f"{name} is in the table but nothing reads it"
        cell, *spans = table[name]
        assert default_problem(gunicorns[name], cell, tuple(spans)) is None, name


def test_the_table_and_the_settings_agree_on_a_case_that_would_drift() -> None:
    # The comparison above is only worth something if it can fail.
    read = EnvRead("RETENTION_DAYS", 730)
    assert default_problem(read, "`730`", ("730",)) is None
    assert default_problem(read, "`365`", ("365",)) is not None
    assert default_problem(EnvRead("X", ("true", "false")), "`true` with DEBUG off", ("true",)) is not None
    assert default_problem(EnvRead("X", ""), "`db.sqlite3`", ("db.sqlite3",)) is not None


def make_targets() -> set[str]:
    makefile = (BASE_DIR / "Makefile").read_text()
    return set(re.findall(r"^([a-z][a-z0-9-]*):", makefile, flags=re.MULTILINE))


def test_every_make_target_the_readme_names_exists() -> None:
    text = README.read_text()
    code = " ".join(code_spans(text)) + "\n" + "\n".join("\n".join(b.body) for b in blocks())
    named = set(re.findall(r"\bmake (?:--?[\w-]+ )*([a-z][a-z0-9-]*)", code))
    assert {"run", "test", "serve", "doctor", "demo-therapist"} <= named
    assert named - make_targets() == set()


def test_the_readme_starts_with_make_run_and_make_test() -> None:
    first, second = shell_blocks()[:2]
    assert (first.commands, second.commands) == (("make run",), ("make test",))


def test_every_fenced_block_names_its_language_and_every_marker_a_reason() -> None:
    assert all(b.language for b in blocks())
    for block in shell_blocks():
        assert block.not_run is None or len(block.not_run) > 10, block.line
