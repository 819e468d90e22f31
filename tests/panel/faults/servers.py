"""Real faults for the tests: a PostgreSQL server of our own that a test may stop, a small
filesystem that a test may fill, and another process's hold on SQLite's write lock.

Nothing here imitates a fault: each one is the real thing, as the outside fault review did it.
"""

import contextlib
import errno
import glob
import os
import shutil
import socket
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest


def in_ci() -> bool:
    """CI sets CI; there a fault test that cannot run fails instead of skipping."""
    return bool(os.environ.get("CI"))


def cannot_run(reason: str) -> None:
    """Skip with `reason` on a developer's machine; fail in CI, where every fault must be tried."""
    if in_ci():
        pytest.fail(f"{reason} (CI must run this test)")
    pytest.skip(reason)


# --------------------------------------------------------------------- SQLite's write lock


@contextlib.contextmanager
def write_lock_held(path: str | Path) -> Iterator[sqlite3.Connection]:
    """Another process's connection holds SQLite's write lock (BEGIN IMMEDIATE) until the end."""
    holder = sqlite3.connect(path, isolation_level=None, timeout=0.1)
    try:
        holder.execute("BEGIN IMMEDIATE")
        holder.execute("UPDATE user_account SET display_name = display_name WHERE id = 0")
        yield holder
    finally:
        holder.execute("ROLLBACK")
        holder.close()


# ------------------------------------------------------------------------ a small disk


def _run_as_root(args: list[str]) -> None:
    if os.geteuid() == 0:
        subprocess.run(args, check=True, capture_output=True)
        return
    subprocess.run(["sudo", "-n", *args], check=True, capture_output=True)


@contextlib.contextmanager
def small_disk(size: str = "4m") -> Iterator[Path]:
    """A real tmpfs of `size`, mounted for the test and unmounted after it."""
    if (
        os.geteuid() != 0
        and subprocess.run(["sudo", "-n", "true"], capture_output=True, check=False).returncode
    ):
        cannot_run("mounting a small filesystem needs root or password-less sudo")
    if shutil.which("mount") is None:
        cannot_run("there is no mount command")
    where = Path(tempfile.mkdtemp(prefix="panel-small-disk-"))
    try:
        _run_as_root(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0777", "tmpfs", str(where)])
    except subprocess.CalledProcessError as exc:
        where.rmdir()
        cannot_run(f"cannot mount a tmpfs here: {exc.stderr.decode(errors='replace').strip()}")
    try:
        yield where
    finally:
        _run_as_root(["umount", "-l", str(where)])
        where.rmdir()


def fill(disk: Path) -> Path:
    """Fill the filesystem at `disk` to the last byte; delete the returned file to free it."""
    filler = disk / "filler"
    with filler.open("wb", buffering=0) as out:
        for size in (65536, 4096, 512, 1):  # big blocks, then the last partial ones
            try:
                while out.write(b"\0" * size):
                    pass
            except OSError as exc:
                assert exc.errno == errno.ENOSPC, exc
    return filler


# ----------------------------------------------------------- a PostgreSQL server of our own


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def postgres_bin() -> Path | None:
    """The newest PostgreSQL server binaries installed (Debian keeps them out of PATH)."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: (
            int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0
        ),
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class PostgresServer:
    """A throwaway PostgreSQL cluster on a free port, which tests may stop and start again."""

    def __init__(self) -> None:
        bin_dir = postgres_bin()
        if bin_dir is None:
            cannot_run("no PostgreSQL server binaries (initdb, pg_ctl) are installed")
        assert bin_dir is not None
        self.bin = bin_dir
        self.port = _free_port()
        self.root = Path(tempfile.mkdtemp(prefix="panel-own-postgres-"))
        self.data = self.root / "data"
        self._as: list[str] = []
        if os.geteuid() == 0:
            # initdb refuses to run as root: the cluster belongs to the postgres system user.
            if subprocess.run(["id", "postgres"], capture_output=True, check=False).returncode:
                cannot_run("running as root, and there is no postgres user to own a cluster")
            shutil.chown(self.root, "postgres")
            self._as = ["runuser", "-u", "postgres", "--"]
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"\nport = {self.port}\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.root}'\nfsync = off\n"
                "full_page_writes = off\nsynchronous_commit = off\n"
            )
        self.running = False

    def _run(self, program: str, *args: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            [*self._as, str(self.bin / program), *args], check=True, capture_output=True
        )

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        if not self.running:
            self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "log"), "-w", "start")
            self.running = True

    def stop(self, mode: str = "fast") -> None:
        """Stop the server: "fast" ends every session at once, as a deploy or a restart does."""
        if self.running:
            self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")
            self.running = False

    def wait_until_stopped(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while (self.data / "postmaster.pid").exists():
            assert time.monotonic() < deadline, "the server did not stop"
            time.sleep(0.05)
        self.running = False

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


TEMPLATE = "panel_template"


@contextlib.contextmanager
def own_postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server of our own, running, holding a template database with the schema."""
    import sqlalchemy as sa

    from tests.conftest import _create_schema

    server = PostgresServer()
    try:
        server.start()
        admin = sa.create_engine(server.url(), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{TEMPLATE}"')
        admin.dispose()
        _create_schema(server.url(TEMPLATE))
        yield server
    finally:
        server.remove()


@contextlib.contextmanager
def fresh_database(server: PostgresServer) -> Iterator[str]:
    """A new database on `server` (running at the start), made from the template; dropped after."""
    import uuid

    import sqlalchemy as sa
    from sqlalchemy.pool import NullPool

    server.start()
    name = f"panel_{uuid.uuid4().hex[:10]}"
    # No pool: a connection kept from before the server stopped would be dead.
    admin = sa.create_engine(server.url(), isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE}"')
    try:
        yield server.url(name)
    finally:
        server.start()
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
