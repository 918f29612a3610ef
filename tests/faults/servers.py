"""Real servers of the fault tests' own, which a test may stop, kill and restart without touching
the shared PostgreSQL and Redis: a Redis, a PostgreSQL cluster (initdb in a temporary folder, as
scripts/services.sh does for `make run`), gunicorn with the production settings file, and Celery
worker and beat processes. Each is a context manager that leaves nothing running behind it.

Plus a small HTTP client (a person's browser: cookies, the CSRF token, no redirect following), so
a test sees every status code the server answers."""

import contextlib
import glob
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from http.cookies import SimpleCookie
from pathlib import Path

import redis

from ..helpers import ROOT, free_port


def wait_for(check: Callable[[], object], what: str, timeout: float = 30, every: float = 0.1):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(every)


def stop_process(process: subprocess.Popen, *, timeout: float = 20, group: bool = False) -> None:
    """SIGTERM (to its process group when it leads one), then SIGKILL if it does not exit."""
    if process.poll() is not None:
        return
    send = (lambda sig: os.killpg(process.pid, sig)) if group else process.send_signal
    with contextlib.suppress(ProcessLookupError):
        send(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            send(signal.SIGKILL)
        process.wait(timeout=10)


# --- Redis ------------------------------------------------------------------------------------

class RedisServer:
    """redis-server on a free loopback port, persisted to an append-only file as in production
    (docker-compose.yml), so what it held survives a stop and start on the same port."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def ping(self) -> bool:
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2, socket_timeout=0.2)
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False
        finally:
            client.close()

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder),
             "--save", "", "--appendonly", "yes", "--logfile", str(self.folder / "redis.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        wait_for(self.ping, f"redis-server on port {self.port}", timeout=15, every=0.05)

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)  # SIGTERM: Redis writes its append-only file and exits
            self.process = None

    def __enter__(self) -> "RedisServer":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


# --- PostgreSQL -------------------------------------------------------------------------------

def postgres_bin() -> Path:
    """The highest installed PostgreSQL with PostGIS, as scripts/lib.sh picks it."""
    best = None
    for initdb in sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb")):
        version = Path(initdb).parent.parent.name
        if Path(f"/usr/share/postgresql/{version}/extension/postgis.control").exists():
            best = Path(initdb).parent
    if best is None:
        raise RuntimeError("PostgreSQL with PostGIS is not installed: run scripts/bootstrap.sh")
    return best


class PostgresCluster:
    """A throw-away cluster of the test's own (trust authentication on loopback only). initdb and
    postgres refuse to run as root, so as root they run as the postgres user (scripts/lib.sh)."""

    USER = "city"

    def __init__(self):
        self.bin = postgres_bin()
        # Not under pytest's tmp_path: its folders are private to root, and postgres must enter.
        self.folder = Path(tempfile.mkdtemp(prefix="cp-faults-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self._as_postgres = os.getuid() == 0
        if self._as_postgres:
            shutil.chown(self.folder, "postgres", "postgres")

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [*(["runuser", "-u", "postgres", "--"] if self._as_postgres else []), *args]
        return subprocess.run(command, capture_output=True, text=True, timeout=120, check=check)

    def url(self, database: str) -> str:
        return f"postgres://{self.USER}:{self.USER}@127.0.0.1:{self.port}/{database}"

    def init(self) -> None:
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", self.USER, "--auth=trust",
                  "--encoding=UTF8", "--locale=C.UTF-8")

    def start(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-w", "-t", "60",
                  "-l", str(self.folder / "server.log"), "start", "-o",
                  f"-c listen_addresses=127.0.0.1 -p {self.port} -c unix_socket_directories={self.folder}")

    def stop(self, mode: str = "fast") -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def restart(self) -> None:
        """What an operator's `pg_ctl restart` (or a container restart) does: every session ends."""
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "-t", "60",
                  "-l", str(self.folder / "server.log"), "restart", "-o",
                  f"-c listen_addresses=127.0.0.1 -p {self.port} -c unix_socket_directories={self.folder}")

    def psql(self, database: str, sql: str) -> str:
        return subprocess.run(
            [str(self.bin / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", self.USER,
             "-d", database, "-v", "ON_ERROR_STOP=1", "-qtA", "-c", sql],
            capture_output=True, text=True, timeout=60, check=True,
        ).stdout.strip()

    def __enter__(self) -> "PostgresCluster":
        self.init()
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)


# --- The app's processes ----------------------------------------------------------------------

@contextlib.contextmanager
def gunicorn(env: dict, log: Path, *, threads: int = 4) -> Iterator[str]:
    """gunicorn with the production settings file (docker/gunicorn.conf.py: gthread workers, the
    access log on stdout), one process, on a free loopback port; yields its base URL."""
    port = free_port()
    with open(log, "ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "cityplatform.wsgi", "--config", "docker/gunicorn.conf.py",
             "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", str(threads)],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn exited with {process.returncode}; see {log}")
        return Client(base, "localhost").get("/healthz").status in (200, 503)

    try:
        wait_for(answers, "gunicorn to answer", timeout=60, every=0.2)
        yield base
    finally:
        stop_process(process, timeout=30)


@contextlib.contextmanager
def celery(*args: str, env: dict, log: Path) -> Iterator[subprocess.Popen]:
    """`celery -A cityplatform ARGS…` in its own process group (so a kill reaches the pool
    children too), output to `log`; stopped with SIGTERM (warm shutdown) on leaving."""
    with open(log, "ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "cityplatform", *args],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        yield process
    finally:
        stop_process(process, timeout=30, group=True)


# --- A person's browser -----------------------------------------------------------------------

class Response:
    def __init__(self, status: int, body: bytes, headers):
        self.status = status
        self.body = body
        self.headers = headers

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the 302 itself is the answer a test looks at


class Client:
    """Requests to one host name (the tenant) of a server on loopback, with its cookies. A
    refused or timed-out connection is status 0, so a test counts it like any other answer."""

    def __init__(self, base: str, host: str, *, timeout: float = 20):
        self.base, self.host, self.timeout = base, host, timeout
        self.cookies: dict[str, str] = {}
        self.headers: dict[str, str] = {}
        self._opener = urllib.request.build_opener(_NoRedirect)

    def request(self, method: str, path: str, data: dict | None = None,
                headers: dict | None = None) -> Response:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        all_headers = {"Host": self.host, "Accept-Language": "en", **self.headers, **(headers or {})}
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(self.base + path, data=body, method=method, headers=all_headers)
        try:
            with self._opener.open(request, timeout=self.timeout) as answer:
                response = Response(answer.status, answer.read(), answer.headers)
        except urllib.error.HTTPError as error:
            response = Response(error.code, error.read(), error.headers)
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return Response(0, b"", {})
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value
        return response

    def get(self, path: str, **kwargs) -> Response:
        return self.request("GET", path, **kwargs)

    def post_form(self, path: str, data: dict, *, form_page: str | None = None) -> Response:
        """POST a form as a browser does after showing it: with the CSRF token of the page."""
        page = self.get(form_page or path)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert match, f"no CSRF token on {form_page or path} ({page.status})"
        return self.request("POST", path, data={**data, "csrfmiddlewaretoken": match.group(1)},
                            headers={"Referer": self.base + (form_page or path)})

    def login(self, username: str, password: str) -> Response:
        response = self.post_form("/accounts/login/", {"username": username, "password": password})
        assert response.status == 302, f"login of {username} answered {response.status}"
        return response


# --- Processes --------------------------------------------------------------------------------

def process_tree(root: int) -> dict[int, str]:
    """Every living descendant of `root` (its children, theirs, …): pid → command line."""
    parents: dict[int, int] = {}
    commands: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # it ended while we looked
            continue
        # The command name (2nd field) is in parentheses and may hold spaces: split after it.
        fields = stat[stat.rindex(")") + 2:].split()
        if fields[0] == "Z":
            continue
        parents[int(entry.name)] = int(fields[1])
        commands[int(entry.name)] = command.strip()
    found: dict[int, str] = {}
    todo = [root]
    while todo:
        parent = todo.pop()
        for pid, ppid in parents.items():
            if ppid == parent and pid not in found:
                found[pid] = commands[pid]
                todo.append(pid)
    return found


def group_leader(root: int, *words: str) -> int | None:
    """The process under `root` that leads its own process group and whose command line holds
    all of `words` (e.g. the Celery worker's main process, not its pool children)."""
    for pid, command in process_tree(root).items():
        try:
            leads = os.getpgid(pid) == pid
        except ProcessLookupError:
            continue
        if leads and all(word in command.split() for word in words):
            return pid
    return None


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2:].split()[0] != "Z"
