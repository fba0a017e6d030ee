"""What the live tests start beside gunicorn: the test database's URL for other processes, a
private redis-server on its own free port, and a real SMTP server (aiosmtpd) that keeps what it
receives (nginx comes in tests/live/test_proxy.py's fixture)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import quote

from django.db import connection

from tests.support.live import BASE_DIR, HOST, free_port


def shared_database_url() -> str:
    """DATABASE_URL for another process (gunicorn, a second interpreter) on the test database."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = f"{quote(db['USER'])}:{quote(db['PASSWORD'])}"
    return f"postgres://{credentials}@{db['HOST'] or HOST}:{db['PORT'] or 5432}/{db['NAME']}"


class RedisServer:
    """`with RedisServer(tmp) as redis:` runs redis-server on 127.0.0.1 at a free port, in memory only."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://{HOST}:{self.port}/0"

    def __enter__(self) -> RedisServer:
        self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def start(self) -> None:
        program = shutil.which("redis-server")
        if program is None:
            raise RuntimeError("redis-server is not installed (apt-get install -y redis-server)")
        self.process = subprocess.Popen(  # noqa: S603 -- a fixed program with fixed arguments
            [program, "--bind", HOST, "--port", str(self.port), "--save", "", "--appendonly", "no"],
            cwd=self.workdir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import redis  # the client Django's RedisCache uses

        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                redis.Redis(host=HOST, port=self.port, socket_connect_timeout=1).ping()
                return
            except redis.exceptions.ConnectionError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"redis-server did not answer on port {self.port}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)


class SMTPServer:
    """`with SMTPServer() as smtp:` runs aiosmtpd on 127.0.0.1 at a free port; smtp.messages holds
    each mail as it arrived (envelope sender and recipients, and the raw message)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.messages: list[ReceivedMail] = []
        self._arrived = threading.Condition()
        self.controller: Any = None

    @property
    def url(self) -> str:
        return f"smtp://{HOST}:{self.port}"

    def __enter__(self) -> SMTPServer:
        from aiosmtpd.controller import Controller

        self.controller = Controller(_Collector(self), hostname=HOST, port=self.port)
        self.controller.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.controller.stop()

    def received(self, mail: ReceivedMail) -> None:
        with self._arrived:
            self.messages.append(mail)
            self._arrived.notify_all()

    def wait_for(self, count: int, *, within: float) -> list[ReceivedMail]:
        """The mails once at least count have arrived; raises if they have not within `within` s."""
        with self._arrived:
            if not self._arrived.wait_for(lambda: len(self.messages) >= count, timeout=within):
                raise AssertionError(f"{len(self.messages)} mail(s) arrived within {within} s, not {count}")
            return list(self.messages)


@dataclass(frozen=True)
class ReceivedMail:
    sender: str
    recipients: tuple[str, ...]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        return message_from_bytes(self.raw, _class=EmailMessage, policy=default_policy)

    @property
    def body(self) -> str:
        """The text, with the wire's CRLF line ends as plain newlines."""
        return self.message.get_content().replace("\r\n", "\n")


class _Collector:
    def __init__(self, server: SMTPServer) -> None:
        self.server = server

    async def handle_DATA(
        self, server: Any, session: Any, envelope: Any
    ) -> str:  # aiosmtpd calls it by this name
        self.server.received(
            ReceivedMail(envelope.mail_from, tuple(envelope.rcpt_tos), bytes(envelope.original_content))
        )
        return "250 Message accepted for delivery"


class TaskWorker:
    """`with TaskWorker(env, log) as worker:` runs the real background worker (`manage.py db_worker`)
    as its own process, with these environment variables on top of the test run's; stops it after."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.env = {**os.environ, **env}
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> TaskWorker:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "manage.py",
                    "db_worker",
                    "--interval",
                    "0.2",
                    "--no-startup-delay",
                    "--no-reload",
                ],
                cwd=BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()  # it finishes the task it runs, then stops
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    @property
    def log(self) -> str:
        return self.log_path.read_text()

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None
