"""Raw HTTP against the real server: gunicorn with docker/gunicorn.conf.py (the production
settings file) on the test database, spoken to over a socket, byte for byte — what a broken
client, a scanner or an attacker sends and no test client can: oversized request lines and
headers, a body announced and never sent, a body cut off, uploads left hanging.

Nothing here may answer 5xx; the server's own log must show no 500 either."""

import contextlib
import json
import socket
import subprocess
import sys
import threading
import time
import urllib.request

import pytest
from django_tenants.utils import schema_context

from cityplatform import upload_gate

from ..helpers import ROOT, free_port, manage, subprocess_env

HOST = "kantang.localhost"
# Small limits, so that the tests send little; the rules are the same at the real sizes.
IMPORT_LIMIT = 2 * 1024 * 1024
BODY_LIMIT = 1024 * 1024
TOKEN_NAME = "tests/http/test_gunicorn.py"


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker, tmp_path_factory):
    """(port, API token of kantang's engineer, the server's log file)."""
    log = tmp_path_factory.mktemp("gunicorn") / "server.log"
    port = free_port()
    with django_db_blocker.unblock():
        env = subprocess_env(IMPORT_MAX_UPLOAD_BYTES=str(IMPORT_LIMIT),
                             REQUEST_MAX_BODY_BYTES=str(BODY_LIMIT), GUNICORN_THREADS="6")
        made = manage("create_api_token", "--schema", "kantang", "--username", "engineer",
                      "--name", TOKEN_NAME, "--days", "1")
        assert made.returncode == 0, made.stderr
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "docker/gunicorn.conf.py", "cityplatform.wsgi",
             "--bind", f"127.0.0.1:{port}", "--workers", "1", "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail("gunicorn did not start:\n" + log.read_text(errors="replace")[-3000:])
                time.sleep(0.2)
        yield port, made.stdout.strip(), log
    finally:
        process.terminate()
        process.wait(timeout=20)
        with django_db_blocker.unblock():
            removed = manage("shell", "-c", "from django_tenants.utils import schema_context\n"
                             "from accounts.models import ApiToken\n"
                             "with schema_context('kantang'):\n"
                             f"    ApiToken.objects.filter(name={TOKEN_NAME!r}).delete()")
        assert removed.returncode == 0, removed.stderr


def connect(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=15)


def read_answer(sock: socket.socket) -> tuple[int, dict, bytes]:
    """(status, headers, body) of one HTTP/1.1 answer; the server closes after it (Connection: close)."""
    data = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except (ConnectionResetError, TimeoutError):
            break
        if not chunk:
            break
        data += chunk
    head, _sep, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {k.strip().lower(): v.strip() for k, _s, v in (line.partition(":") for line in lines[1:])}
    if headers.get("transfer-encoding") == "chunked":
        body = _dechunked(body)
    return status, headers, body


def _dechunked(data: bytes) -> bytes:
    out = b""
    while data:
        size, _sep, data = data.partition(b"\r\n")
        length = int(size.split(b";")[0], 16)
        if length == 0:
            break
        out, data = out + data[:length], data[length + 2:]
    return out


def exchange(port: int, raw: bytes, *, half_close: bool = False) -> tuple[int, dict, bytes]:
    with connect(port) as sock:
        sock.sendall(raw)
        if half_close:
            sock.shutdown(socket.SHUT_WR)
        return read_answer(sock)


def request(method: str, path: str, *, headers: dict | None = None, body: bytes = b"",
            content_length: int | None = None) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if body or content_length is not None:
        lines.append(f"Content-Length: {len(body) if content_length is None else content_length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def server_errors(log) -> list[str]:
    text = log.read_text(errors="replace")
    return [line for line in text.splitlines() if "Internal Server Error" in line or " 500 " in line]


def test_a_header_larger_than_8_kb_is_refused_by_gunicorn(server):
    port, _token, _log = server

    status, _headers, _body = exchange(port, request("GET", "/open311/v2/services.json",
                                                     headers={"X-Padding": "a" * 9000}))

    assert 400 <= status < 500


def test_more_than_50_header_fields_are_refused(server):
    port, _token, _log = server
    headers = {f"X-Field-{n}": "1" for n in range(60)}

    status, _headers, _body = exchange(port, request("GET", "/open311/v2/services.json", headers=headers))

    assert 400 <= status < 500


def test_a_request_line_longer_than_4_kb_is_refused(server):
    port, _token, _log = server

    status, _headers, _body = exchange(port, request("GET", "/open311/v2/requests.json?status=" + "o" * 5000))

    assert 400 <= status < 500


@pytest.mark.parametrize("raw_path, expected", [
    (b"/api/v1/assets/%ff%fe", 404),  # not UTF-8: no such asset
    (b"/open311/v2/requests.json?status=%c3%28", 400),  # not UTF-8: not a status
    (b"/report/status/%00/", 400),  # NUL
    (b"/api/v1/assets/?q=%00", 400),
    (b"/open311/v2/requests.json?service_request_id=\xff\xfe", 400),  # raw bytes: gunicorn refuses
])
def test_addresses_that_are_not_utf8_or_hold_nul_are_answered_not_failed(server, raw_path, expected):
    port, token, log = server
    before = server_errors(log)
    raw = b"GET " + raw_path + f" HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n".encode() + \
        f"Authorization: Bearer {token}\r\n\r\n".encode()

    status, _headers, _body = exchange(port, raw)

    assert status == expected
    assert server_errors(log) == before


def test_an_import_announced_larger_than_the_limit_is_413_before_its_body_is_sent(server):
    port, token, _log = server
    head = request("POST", "/api/v1/imports/", content_length=IMPORT_LIMIT * 10,
                   headers={"Authorization": f"Bearer {token}",
                            "Content-Type": "multipart/form-data; boundary=x"})

    status, headers, body = exchange(port, head)  # not a byte of the body sent

    assert status == 413 and headers["content-type"].startswith("application/json")
    assert json.loads(body)["error"]["code"] == "too_large"


def test_a_multipart_upload_without_a_boundary_is_400(server):
    port, token, _log = server
    raw = request("POST", "/api/v1/imports/", body=b"dataset=assets",
                  headers={"Authorization": f"Bearer {token}", "Content-Type": "multipart/form-data"})

    status, _headers, body = exchange(port, raw)

    assert status == 400 and json.loads(body)["error"]["code"] == "unreadable_body"


@pytest.mark.parametrize("content_type", ["multipart/form-data; boundary=x",
                                          "application/x-www-form-urlencoded"])
def test_a_body_the_client_stops_sending_is_400_not_500(server, content_type):
    port, token, log = server
    before = server_errors(log)
    raw = request("POST", "/open311/v2/requests.json", content_length=5000,
                  headers={"Authorization": f"Bearer {token}", "Content-Type": content_type})
    raw += b"--x\r\nservice"  # and then nothing more

    status, _headers, body = exchange(port, raw, half_close=True)

    assert status == 400, body
    assert json.loads(body)[0]["code"] == 400
    assert server_errors(log) == before


def test_json_that_is_cut_off_is_400(server):
    port, token, _log = server
    raw = request("POST", "/api/v1/persons/lookup", body=b'{"cid": "1234',
                  headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})

    status, _headers, body = exchange(port, raw)

    assert status == 400 and json.loads(body)["error"]["code"] == "invalid_json"


@contextlib.contextmanager
def hanging_upload(port: int, token: str):
    """An import upload whose file arrives slowly, a byte now and then (gunicorn drops a client
    that sends nothing for a few seconds), for as long as the block lasts."""
    sock = connect(port)
    stop = threading.Event()

    def trickle():
        while not stop.wait(0.2):
            try:
                sock.sendall(b"a")
            except OSError:
                return

    sock.sendall(request("POST", "/api/v1/imports/", content_length=IMPORT_LIMIT // 2,
                         headers={"Authorization": f"Bearer {token}",
                                  "Content-Type": "multipart/form-data; boundary=x"})
                 + b'--x\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n\r\n')
    sender = threading.Thread(target=trickle, daemon=True)
    sender.start()
    try:
        yield sock
    finally:
        stop.set()
        sender.join()
        sock.close()


def third_upload(port: int, token: str) -> tuple[int, dict, bytes]:
    """A complete upload that passes the gate only to be refused by the form (no job is made)."""
    body = (b"--x\r\nContent-Disposition: form-data; name=\"dataset\"\r\n\r\nno-such-dataset\r\n"
            b"--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\n"
            b"code\r\n--x--\r\n")
    return exchange(port, request("POST", "/api/v1/imports/", body=body,
                                  headers={"Authorization": f"Bearer {token}",
                                           "Content-Type": "multipart/form-data; boundary=x"}))


def until(condition, timeout: float = 10):
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.1)


@pytest.fixture(scope="module")
def engineer_pk(django_db_blocker) -> int:
    """kantang's engineer's id, read in a process of its own: the browser tests leave an event
    loop in this thread, under which Django refuses database calls."""
    with django_db_blocker.unblock():
        found = manage("shell", "-c", "from django_tenants.utils import schema_context\n"
                       "from accounts.models import User\n"
                       "with schema_context('kantang'):\n"
                       "    print(User.objects.get(username='engineer').pk)")
    assert found.returncode == 0, found.stderr
    return int(found.stdout.strip().splitlines()[-1])


def engineers_uploads_in_flight(engineer_pk: int) -> int:
    """The slot count the server keeps in Redis for kantang's engineer, read as the server reads it
    (the cache key carries the schema; setting it runs no query)."""
    with schema_context("kantang"):
        return upload_gate.uploads_in_flight(f"user:{engineer_pk}")


def log_tail(log) -> str:
    return "\n--- server log (tail) ---\n" + log.read_text(errors="replace")[-3000:]


def test_a_third_upload_while_two_hang_is_429_and_the_slots_come_back(server, engineer_pk):
    port, token, log = server
    before = server_errors(log)
    assert third_upload(port, token)[0] == 422

    with hanging_upload(port, token), hanging_upload(port, token):
        # Both hanging uploads have reached the gate before the third is sent: on a busy machine the
        # server may take a while to give them their threads.
        held = until(lambda: engineers_uploads_in_flight(engineer_pk) == 2, timeout=30)
        assert held, (f"the two hanging uploads hold {engineers_uploads_in_flight(engineer_pk)} "
                      f"slots, not 2" + log_tail(log))
        status, headers, body = third_upload(port, token)

        assert status == 429, body[:500].decode(errors="replace") + log_tail(log)
        error = json.loads(body)["error"]
        assert error["code"] == "too_many_uploads" and int(headers["retry-after"]) > 0
        assert "อัปโหลด" in error["message"]

    # The two hanging ones ended with their connections: their slots are given back.
    assert until(lambda: third_upload(port, token)[0] == 422, timeout=30), log_tail(log)
    assert engineers_uploads_in_flight(engineer_pk) == 0
    assert server_errors(log) == before
