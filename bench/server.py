"""gunicorn with gunicorn.conf.py, the production configuration, on 127.0.0.1: for the bench and live tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType

from bench.client import Browser

BASE_DIR = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Gunicorn:
    """`with Gunicorn(env, log) as server:` starts it, waits until it answers, and stops it after."""

    def __init__(self, env: Mapping[str, str], log_path: Path, *, start_within: float = 60) -> None:
        self.port = free_port()
        self.env = {**os.environ, **env, "GUNICORN_BIND": f"{HOST}:{self.port}"}
        self.log_path = log_path
        self.start_within = start_within
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Gunicorn:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"],
                cwd=BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            self._wait_until_it_answers()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def browser(self) -> Browser:
        return Browser(HOST, self.port)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def _wait_until_it_answers(self) -> None:
        deadline = time.monotonic() + self.start_within
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped at start; its log: {self.log_path}")
            try:
                if Browser(HOST, self.port, timeout=5).get("/").status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(
            f"gunicorn did not answer within {self.start_within:.0f} s; its log: {self.log_path}"
        )
