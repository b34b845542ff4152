"""A throwaway PostgreSQL cluster for the test session (Debian's server binaries, no mock).

`start_cluster()` runs initdb into a fresh directory, starts `postgres` on a unix socket in
that directory and on 127.0.0.1 at a free port (fsync off: the data is thrown away), and
waits until it accepts connections. The server refuses to run as root, so under root the
cluster belongs to the `postgres` system user that Debian's package creates. Each test gets
its own database: `new_database()` makes an empty one, `migrated_database()` clones one that
is at the newest schema (migrated once, then used as a template).
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import URL, make_url

SKIP_ENV = "LINLI_SKIP_POSTGRES"
BINDIR_ENV = "LINLI_PG_BINDIR"
SERVER_USER = "postgres"  # the system user Debian's postgresql-common creates
DB_USER = "linli"
READY_TIMEOUT_S = 60.0


class PostgresMissing(RuntimeError):
    """No PostgreSQL server binaries on this machine."""


def find_bindir() -> Path:
    """The newest installed server's bin directory (or $LINLI_PG_BINDIR)."""
    if os.environ.get(BINDIR_ENV):
        candidates = [Path(os.environ[BINDIR_ENV])]
    else:
        found = glob.glob("/usr/lib/postgresql/*/bin")
        candidates = [Path(p) for p in sorted(found, key=_version, reverse=True)]
        on_path = shutil.which("initdb")
        if on_path:
            candidates.append(Path(on_path).parent)
    for bindir in candidates:
        if (bindir / "initdb").is_file() and (bindir / "postgres").is_file():
            return bindir
    raise PostgresMissing(
        "PostgreSQL server binaries (initdb, postgres) not found under /usr/lib/postgresql/*/bin"
        f" nor on PATH: run `make system-deps` (installs Debian's postgresql), or set {SKIP_ENV}=1"
        " to skip the PostgreSQL tests"
    )


def _version(bindir: str) -> tuple[int, ...]:
    name = Path(bindir).parent.name
    return tuple(int(p) for p in name.split(".") if p.isdigit())


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Cluster:
    """A running throwaway server; `stop()` shuts it down and removes its directory."""

    root: Path
    port: int
    password: str
    process: subprocess.Popen[bytes]
    started_in_s: float
    _names: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    _template: str | None = None

    def url(self, database: str) -> str:
        """SQLAlchemy URL of one database over TCP (what an operator would configure)."""
        return URL.create(
            "postgresql+psycopg",
            username=DB_USER,
            password=self.password,
            host="127.0.0.1",
            port=self.port,
            database=database,
        ).render_as_string(hide_password=False)

    def admin(self) -> psycopg.Connection[Any]:
        """An autocommit connection to the maintenance database (CREATE/DROP DATABASE)."""
        return psycopg.connect(_dsn(self.url("postgres")), autocommit=True)

    def new_database(self, template: str = "template0") -> str:
        """A new database (empty, or a copy of `template`); returns its URL."""
        name = f"t{next(self._names)}"
        with self.admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return self.url(name)

    def migrated_database(self) -> str:
        """A new database at the newest schema (the first call migrates the template)."""
        if self._template is None:
            from models.base import make_engine
            from models.migrate import upgrade_to_head

            url = self.new_database()
            engine = make_engine(url)
            upgrade_to_head(engine)
            engine.dispose()
            self._template = str(make_url(url).database)
        return self.new_database(self._template)

    def drop_database(self, url: str) -> None:
        """Drop a test's database, disconnecting whatever the test left open."""
        name = make_url(url).database
        with self.admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        """Fast shutdown (SIGINT), then the directory goes."""
        try:
            if self.process.poll() is None:
                self.process.send_signal(signal.SIGINT)
                try:
                    self.process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait(timeout=10)
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def _dsn(url: str) -> str:
    """libpq conninfo for a SQLAlchemy URL."""
    u = make_url(url)
    return psycopg.conninfo.make_conninfo(
        host=u.host, port=u.port, user=u.username, password=u.password, dbname=u.database
    )


def _as_server_user() -> dict[str, Any]:
    """Popen arguments that drop root to the `postgres` user; nothing when not root."""
    if os.geteuid() != 0:
        return {}
    try:
        pw = pwd.getpwnam(SERVER_USER)
    except KeyError as exc:
        raise PostgresMissing(
            f"running as root and there is no `{SERVER_USER}` system user to run the server as:"
            " run `make system-deps` (Debian's postgresql package creates it)"
        ) from exc
    return {"user": pw.pw_uid, "group": pw.pw_gid, "extra_groups": []}


def _run(argv: list[str], cwd: Path, **kwargs: Any) -> None:
    done = subprocess.run(
        argv, cwd=cwd, capture_output=True, text=True, check=False, timeout=120, **kwargs
    )
    if done.returncode != 0:
        raise RuntimeError(f"{argv[0]} failed ({done.returncode}):\n{done.stdout}{done.stderr}")


def start_cluster() -> Cluster:
    """initdb, start, wait until ready. Raises PostgresMissing without the binaries."""
    began = time.monotonic()
    bindir = find_bindir()
    user = _as_server_user()
    # under root, /tmp: the postgres user must reach it (pytest's own tmp dirs are root-only)
    root = Path(tempfile.mkdtemp(prefix="linli-pg-", dir="/tmp" if user else None))
    try:
        return _start(bindir, user, root, began)
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise


def _start(bindir: Path, user: dict[str, Any], root: Path, began: float) -> Cluster:
    data, password = root / "data", secrets.token_urlsafe(16)
    pwfile = root / "pwfile"
    pwfile.write_text(password + "\n")
    if user:
        os.chown(root, user["user"], user["group"])
        os.chown(pwfile, user["user"], user["group"])
    os.chmod(root, 0o700)
    pwfile.chmod(0o600)
    _run(
        [
            str(bindir / "initdb"),
            f"--pgdata={data}",
            f"--username={DB_USER}",
            f"--pwfile={pwfile}",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        ],
        cwd=root,
        **user,
    )
    log = open(root / "server.log", "wb")  # noqa: SIM115 (the server writes it while it runs)
    process: subprocess.Popen[bytes] | None = None
    for _ in range(3):  # a free port can be taken between the probe and the bind: try again
        port = _free_port()
        process = subprocess.Popen(
            [
                str(bindir / "postgres"),
                "-D",
                str(data),
                "-k",
                str(root),
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
                "-c",
                "max_connections=50",
            ],
            cwd=root,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a ^C in pytest does not hit the server before we stop it
            **user,
        )
        cluster = Cluster(root, port, password, process, 0.0)
        if _wait_ready(cluster):
            log.close()
            cluster.started_in_s = time.monotonic() - began
            return cluster
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)
    log.close()
    tail = (root / "server.log").read_text(errors="replace")[-2000:]
    raise RuntimeError(f"PostgreSQL did not start:\n{tail}")


def _wait_ready(cluster: Cluster) -> bool:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if cluster.process.poll() is not None:
            return False
        with contextlib.suppress(psycopg.OperationalError):
            psycopg.connect(_dsn(cluster.url("postgres")), connect_timeout=2).close()
            return True
        time.sleep(0.05)
    return False
