"""A `requests` transport that hands each request to the Django app in this process.

schemathesis (and any test written with `requests`) then sends exactly the bytes a real client
would — a multipart Content-Type without a boundary, a body that is not what its Content-Type
says — where werkzeug's test client, schemathesis's own in-process transport, rewrites them into
well-formed requests. The app runs in the test's thread, database transaction and settings."""

import io
from urllib.parse import unquote_to_bytes, urlsplit

import requests
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from requests.adapters import BaseAdapter, HTTPAdapter
from urllib3 import HTTPResponse
from urllib3._collections import HTTPHeaderDict

_app = None


def django_app():
    global _app
    if _app is None:
        _app = get_wsgi_application()
    return _app


def environ_for(request: requests.PreparedRequest, *, remote_addr: str = "127.0.0.1") -> dict:
    url = urlsplit(request.url)
    body = request.body or b""
    if isinstance(body, str):
        body = body.encode("utf-8")
    elif hasattr(body, "read"):
        body = body.read()
    environ = {
        "REQUEST_METHOD": request.method,
        "SCRIPT_NAME": "",
        # WSGI carries the path as bytes in a latin-1 str (PEP 3333), as gunicorn does.
        "PATH_INFO": unquote_to_bytes(url.path or "/").decode("latin-1"),
        "QUERY_STRING": url.query,
        "SERVER_NAME": url.hostname or "localhost",
        "SERVER_PORT": str(url.port or 80),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": remote_addr,
        "HTTP_HOST": url.netloc,
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": url.scheme or "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    if body:
        environ["CONTENT_LENGTH"] = str(len(body))
    for name, value in request.headers.items():
        key = name.upper().replace("-", "_")
        if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            environ[key] = value
        else:
            environ["HTTP_" + key] = value
    return environ


class DjangoAdapter(BaseAdapter):
    """Mount on a requests.Session for "http://": every request is answered by the Django app."""

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        captured = {}

        def start_response(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers

        result = django_app()(environ_for(request), start_response)
        try:
            content = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        code, _sep, reason = captured["status"].partition(" ")
        raw = HTTPResponse(body=io.BytesIO(content), headers=HTTPHeaderDict(captured["headers"]),
                           status=int(code), reason=reason, version=11, preload_content=False,
                           decode_content=False)
        return HTTPAdapter().build_response(request, raw)

    def close(self):
        pass


def in_process_session() -> requests.Session:
    session = requests.Session()
    session.mount("http://", DjangoAdapter())
    return session


def answer_every_request_in_process(monkeypatch) -> None:
    """Every `requests` call of the test, through any session (schemathesis's checks send probes
    through sessions of their own), is answered by the Django app: for *.localhost hosts only."""
    adapter = DjangoAdapter()

    def send(self, request, *args, **kwargs):
        host = urlsplit(request.url).hostname or ""
        if host != "localhost" and not host.endswith(".localhost"):
            raise AssertionError(f"a test sent a request off this machine's test hosts: {request.url}")
        return adapter.send(request, *args, **kwargs)

    monkeypatch.setattr(HTTPAdapter, "send", send)


class KeepConnection:
    """As Django's test client does: the app must not close the test's database connection at
    the start and end of each request (it holds the test's transaction)."""

    def __enter__(self):
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        return self

    def __exit__(self, *exc):
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


class UnreadableBody(io.BytesIO):
    """A body whose client went away mid-request: every read fails as the socket's would."""

    def read(self, *args):
        raise OSError("Connection reset by peer")

    readline = read


class Answer:
    """What the app answered to call_app()."""

    def __init__(self, status: str, headers: list, content: bytes):
        self.status_code = int(status.split(" ", 1)[0])
        self.headers = {name.lower(): value for name, value in headers}
        self.content = content

    def __getitem__(self, name: str) -> str:
        return self.headers[name.lower()]

    def json(self):
        import json

        return json.loads(self.content)


def call_app(method: str, path: str, *, host: str = "kantang.localhost", body: bytes = b"",
             content_type: str = "", content_length: int | None = None, wsgi_input=None,
             headers: dict | None = None) -> Answer:
    """One request to the Django app with the WSGI environ written by hand: a Content-Length the
    body does not have, a body that cannot be read, any Content-Type (the test client fixes these)."""
    path, _sep, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": method, "SCRIPT_NAME": "", "PATH_INFO": path, "QUERY_STRING": query,
        "SERVER_NAME": host, "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_HOST": host,
        "REMOTE_ADDR": "127.0.0.1", "wsgi.version": (1, 0), "wsgi.url_scheme": "http",
        "wsgi.input": wsgi_input if wsgi_input is not None else io.BytesIO(body),
        "wsgi.errors": io.StringIO(), "wsgi.multithread": False, "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "CONTENT_LENGTH": str(len(body) if content_length is None else content_length),
        "CONTENT_TYPE": content_type,
    }
    environ.update(headers or {})
    captured = {}

    def start_response(status, response_headers, exc_info=None):
        captured["status"], captured["headers"] = status, response_headers

    with KeepConnection():
        result = django_app()(environ, start_response)
        try:
            content = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
    return Answer(captured["status"], captured["headers"], content)
