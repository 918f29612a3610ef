"""Slow or stalled clients cannot hold every gunicorn worker: the buffering proxy (docker/nginx.conf)
reads each request whole before gunicorn sees it. Measured before: ten clients sending their
headers a byte at a time made other requests wait up to 5 s on bare gunicorn.

Here: more stalled connections than gunicorn has threads, each holding a half-sent request open
(headers trickling, or an upload announced and never sent); meanwhile ordinary requests through
the proxy answer, and gunicorn's access log shows it never saw the stalled ones."""

import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

from ..helpers import ROOT, free_port, subprocess_env
from .servers import Client, gunicorn, stop_process, wait_for

pytestmark = pytest.mark.faults

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
THREADS = 4  # gunicorn: one process × 4 threads in this test
STALLED = 3 * THREADS


def _nginx(tmp_path: Path, upstream: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    config = (ROOT / "docker" / "nginx.conf").read_text()
    config = config.replace("${UPSTREAM}", upstream).replace("${LISTEN}", f"127.0.0.1:{port}")
    config = config.replace("/tmp/nginx", str(tmp_path / "nginx"))
    (tmp_path / "nginx.conf").write_text(config)
    process = subprocess.Popen([NGINX, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"),
                                "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    wait_for(lambda: _answers(base), "nginx to answer", timeout=20)
    return process, base


def _answers(base: str) -> bool:
    try:
        return Client(base, "localhost", timeout=5).get("/healthz").status in (200, 503)
    except OSError:
        return False


def _stall(port: int, stop: threading.Event, kind: str) -> None:
    """One slow client: headers a byte every half second, or an upload announced and never sent."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    try:
        if kind == "upload":
            sock.sendall(b"POST /imports/ HTTP/1.1\r\nHost: kantang.localhost\r\n"
                         b"Content-Type: text/csv\r\nContent-Length: 5000000\r\n\r\nhouse_id")
            stop.wait(30)
        else:
            for byte in b"GET / HTTP/1.1\r\nHost: kantang.localhost\r\nX-Slow: " + b"x" * 200:
                if stop.wait(0.5):
                    break
                sock.sendall(bytes([byte]))
    except OSError:
        pass  # nginx gave up on us (client_header_timeout): that is the point
    finally:
        sock.close()


def test_stalled_clients_do_not_stop_other_requests_behind_the_proxy(django_db_setup, tmp_path):
    if not Path(NGINX).exists():
        pytest.skip("nginx is not installed (make test installs it)")
    log = tmp_path / "web.log"
    with gunicorn(subprocess_env(), log, threads=THREADS) as upstream:
        nginx, base = _nginx(tmp_path, upstream.removeprefix("http://"))
        stop = threading.Event()
        port = int(base.rsplit(":", 1)[1])
        slow = [threading.Thread(target=_stall, args=(port, stop, "upload" if n % 2 else "headers"),
                                 daemon=True) for n in range(STALLED)]
        try:
            for thread in slow:
                thread.start()
            time.sleep(2)  # every stalled connection is open and has sent part of its request
            client = Client(base, "kantang.localhost", timeout=20)
            started = time.perf_counter()
            answers = [client.get("/accounts/login/").status for _ in range(10)]
            elapsed = time.perf_counter() - started
        finally:
            stop.set()
            for thread in slow:
                thread.join(timeout=40)
            stop_process(nginx)

    print(f"\n10 requests behind {STALLED} stalled clients answered in {elapsed:.2f} s")
    assert answers == [200] * 10
    # gunicorn never saw a half-sent request: only complete ones reached it.
    assert "POST /imports/" not in log.read_text()
