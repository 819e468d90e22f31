"""A real SMTP server on loopback (aiosmtpd) and a real queue worker, for the outbox's tests.

`smtp` starts the server on a free port; tests read what it received (`smtp.received`), stop it
(`smtp.stop()`) to make the mail server unreachable, and start it again on the same port.
`app_config` points the app at it, with short waits between tries.
"""

import email
import email.policy
import socket
import threading
import time
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from tests.conftest import base_config


class Received:
    """What the server received: each message parsed, with its envelope recipients."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[list[str]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(parsed)  # type: ignore[arg-type]
            self.envelopes.append(list(envelope.rcpt_tos))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Smtp:
    """A real SMTP server on loopback that can be stopped and started again on its port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.handler = Received()
        self.controller: Controller | None = None

    @property
    def received(self) -> list[EmailMessage]:
        with self.handler.lock:
            return list(self.handler.messages)

    def start(self) -> None:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def wait_for(self, count: int, timeout: float = 20) -> list[EmailMessage]:
        """Wait until at least `count` messages have arrived; return them all."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.received) >= count:
                return self.received
            time.sleep(0.05)
        raise AssertionError(f"expected {count} messages, got {len(self.received)}")


@pytest.fixture
def smtp() -> Iterator[Smtp]:
    server = Smtp()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def app_config(database_url: str, smtp: Smtp, tmp_path: Path) -> dict[str, Any]:
    return base_config(
        database_url,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp.port,
        PANEL_QUEUE_FILE=str(tmp_path / "queue.sqlite3"),
        PANEL_MAIL_RETRY_SECONDS=0.3,
        PANEL_MAIL_ATTEMPTS=3,
        PANEL_MAIL_TIMEOUT=5,
    )


def wait_until(check: Callable[[], bool], timeout: float = 20) -> None:
    """Wait until `check()` is true, or fail."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting")


def text_of(message: EmailMessage) -> str:
    """The plain-text body of a received email."""
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    return str(body.get_content())
