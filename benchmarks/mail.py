"""Mail benchmark: 1,000 queued decision letters delivered by one worker, beside a bare
smtplib loop sending the same 1,000 emails to the same local SMTP server.

The worker path is the app's own: each letter is an outbox row (queued in one transaction, as
confirming decisions does), handed to a real huey consumer with one worker thread (SqliteHuey
in a temporary folder), which takes each row in a conditional UPDATE, sends it through
Flask-Mail and marks it sent. The bare loop builds each email with the standard library and
sends it with `smtplib` over one connection. The server is aiosmtpd on loopback, counting what
it receives. Target: the worker within 2x of the bare loop. Prints `ratio: N.NNx (target <= 2x)`
last.

    ../.venv/bin/python mail.py            # --letters 1000 --repeat 3
"""

from __future__ import annotations

import argparse
import smtplib
import socket
import statistics
import sys
import tempfile
import threading
import time
from email.message import EmailMessage
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiosmtpd.controller import Controller  # noqa: E402

from panel import create_app, queue  # noqa: E402
from panel.extensions import db  # noqa: E402
from panel.messages.outbox import To, queue_message  # noqa: E402
from panel.messages.wording import LINK_MARK  # noqa: E402
from panel.models import Message  # noqa: E402

VALUES = {
    "round": "Spring 2027",
    "fund": "the Community Fund",
    "project": "Community garden",
    "outcome": "Fund in full",
    "amount": "Amount awarded: £1,500.00",
    "reason": "Reason: a strong, well-supported plan.",
}


class Counter:
    def __init__(self) -> None:
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        with self.lock:
            self.count += 1
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(counter: Counter, count: int, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while counter.count < count:
        if time.monotonic() > deadline:
            raise SystemExit(f"only {counter.count} of {count} arrived")
        time.sleep(0.005)


def run_worker(letters: int, port: int, counter: Counter) -> tuple[float, list[Message]]:
    folder = tempfile.mkdtemp(prefix="panel-mail-bench-")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "benchmark-secret-key-not-for-production-use",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3",
            "PANEL_QUEUE_FILE": f"{folder}/queue.sqlite3",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": port,
        }
    )
    with app.app_context():
        db.create_all()
        for n in range(1, letters + 1):
            queue_message(
                kind="decision_letter",
                to=To(name=f"Applicant {n}", email=f"applicant{n}@example.org"),
                values={**VALUES, "name": f"Applicant {n}", "reference": f"CF27-{n:04d}"},
                actor=None,
            )
        db.session.commit()  # one task for the 1,000 letters, as confirming decisions queues
        rows = list(db.session.execute(db.select(Message).order_by(Message.id)).scalars())
        for row in rows:
            db.session.expunge(row)
        db.session.commit()
        before = counter.count
        started = time.perf_counter()
        with queue.run_consumer(workers=1):
            wait_for(counter, before + letters)
            took = time.perf_counter() - started
        db.session.remove()
        db.engine.dispose()
    return took, rows


def run_bare(rows: list[Message], port: int, counter: Counter) -> float:
    before = counter.count
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for row in rows:
            email = EmailMessage()
            email["Subject"] = row.subject
            email["From"] = "Grant Panel <grant-panel@localhost>"
            email["To"] = f"{row.to_name} <{row.to_address}>"
            email["Message-ID"] = row.message_id
            email.set_content(row.body_text.replace(LINK_MARK, ""))
            email.add_alternative(row.body_html.replace(LINK_MARK, ""), subtype="html")
            smtp.send_message(email)
    wait_for(counter, before + len(rows))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--letters", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    counter = Counter()
    port = free_port()
    controller = Controller(counter, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        worker_times, bare_times = [], []
        for _ in range(args.repeat):
            took, rows = run_worker(args.letters, port, counter)
            worker_times.append(took)
            bare_times.append(run_bare(rows, port, counter))
    finally:
        controller.stop()
    worker, bare = statistics.median(worker_times), statistics.median(bare_times)
    print(f"letters: {args.letters}, runs: {args.repeat} (medians)")
    print(f"queued letters, one worker: {worker:.2f} s ({args.letters / worker:.0f} a second)")
    print(f"bare smtplib loop:          {bare:.2f} s ({args.letters / bare:.0f} a second)")
    print(f"ratio: {worker / bare:.2f}x (target <= 2x)")


if __name__ == "__main__":
    main()
