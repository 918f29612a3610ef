"""A local HTTP server that plays LINE's Messaging API for the tests (the LINE platform itself is
not reachable from here): reply, push and message-content download, with LINE's paths, bearer
authentication and response shapes. The SDK under test talks to it through settings.LINE_API_HOST.
"""

import io
import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CONTENT_PATH = re.compile(r"^/v2/bot/message/([^/]+)/content$")


def png_bytes(size=(64, 48), colour=(200, 40, 40)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


@dataclass
class LineStandIn:
    access_token: str
    replies: list = field(default_factory=list)  # the JSON bodies of reply calls
    pushes: list = field(default_factory=list)
    downloads: list = field(default_factory=list)  # message ids asked for
    contents: dict = field(default_factory=dict)  # message id → bytes
    push_status: int = 200  # what push answers (a test sets 500 or 400)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "LineStandIn":
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _authorised(self) -> bool:
                if self.headers.get("Authorization") == f"Bearer {stand_in.access_token}":
                    return True
                self._json(401, {"message": "Authentication failed. Confirm that the access token "
                                            "in the authorization header is valid."})
                return False

            def _json(self, status: int, payload: dict) -> None:
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                if not self._authorised():
                    return
                sent = {"sentMessages": [{"id": str(1000 + i), "quoteToken": f"q{i}"}
                                         for i, _m in enumerate(body.get("messages", []))]}
                if self.path == "/v2/bot/message/reply":
                    stand_in.replies.append(body)
                    self._json(200, sent)
                elif self.path == "/v2/bot/message/push":
                    if stand_in.push_status != 200:
                        self._json(stand_in.push_status, {"message": "stand-in refusal"})
                        return
                    stand_in.pushes.append(body)
                    self._json(200, sent)
                else:
                    self._json(404, {"message": "Not found"})

            def do_GET(self):
                if not self._authorised():
                    return
                match = CONTENT_PATH.match(self.path)
                if not match or match.group(1) not in stand_in.contents:
                    self._json(404, {"message": "Not found"})
                    return
                stand_in.downloads.append(match.group(1))
                data = stand_in.contents[match.group(1)]
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def reply_texts(self, index: int = -1) -> list[str]:
        return [m["text"] for m in self.replies[index]["messages"]]

    def quick_reply_labels(self, index: int = -1) -> list[str]:
        message = self.replies[index]["messages"][-1]
        return [item["action"].get("label", "") for item in message.get("quickReply", {}).get("items", [])]
