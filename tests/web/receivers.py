"""Real loopback receivers for the escalation tests: an HTTP server that records the JSON bodies
posted to it and the Host header they came with (``/fail`` answers 500, ``/redirect`` a 307 to the
cloud metadata address), and a minimal SMTP server (RFC 5321's commands a client
sending one message uses) that records each message. Both run in a thread on 127.0.0.1."""

from __future__ import annotations

import email
import email.policy
import json
import socketserver
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


@dataclass
class Received:
    """What a receiver got, in order."""

    posts: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    hosts: list[str] = field(default_factory=list)
    sni: list[str] = field(default_factory=list)
    mails: list[tuple[str, list[str], EmailMessage]] = field(default_factory=list)


@contextmanager
def http_receiver(tls: tuple[Path, Path] | None = None) -> Iterator[tuple[str, Received]]:
    """An HTTP server on a free loopback port, HTTPS with `tls` (certificate, key); yields its
    base URL and what it received."""
    received = Received()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", "0"))
            body = json.loads(self.rfile.read(length) or b"null")
            received.posts.append((self.path, body))
            received.hosts.append(self.headers.get("host", ""))
            if self.path == "/redirect":
                self.send_response(307)
                self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
            else:
                self.send_response(500 if self.path == "/fail" else 204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:  # keep the test output clean
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if tls is not None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*tls)
        context.sni_callback = lambda _socket, name, _context: received.sni.append(name or "")
        server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        scheme = "https" if tls is not None else "http"
        yield f"{scheme}://127.0.0.1:{server.server_address[1]}", received
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def smtp_sink() -> Iterator[tuple[int, Received]]:
    """An SMTP server on a free loopback port; yields its port and the messages it accepted."""
    received = Received()

    class Handler(socketserver.StreamRequestHandler):
        def reply(self, line: str) -> None:
            self.wfile.write(f"{line}\r\n".encode())

        def handle(self) -> None:
            sender, recipients = "", []
            self.reply("220 sink.localhost ESMTP test sink")
            while line := self.rfile.readline():
                command = line.decode().strip()
                verb = command.split(" ", 1)[0].upper()
                if verb == "EHLO":
                    self.reply("250-sink.localhost")
                    self.reply("250 8BITMIME")
                elif verb == "HELO":
                    self.reply("250 sink.localhost")
                elif verb == "MAIL":
                    sender, recipients = command.split(":", 1)[1].strip().strip("<>"), []
                    self.reply("250 OK")
                elif verb == "RCPT":
                    recipients.append(command.split(":", 1)[1].strip().strip("<>"))
                    self.reply("250 OK")
                elif verb == "DATA":
                    self.reply("354 End data with <CR><LF>.<CR><LF>")
                    lines = []
                    while (data := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
                        lines.append(data[1:] if data.startswith(b"..") else data)
                    message = email.message_from_bytes(b"".join(lines), policy=email.policy.default)
                    assert isinstance(message, EmailMessage)
                    received.mails.append((sender, recipients, message))
                    self.reply("250 OK: queued")
                elif verb in ("RSET", "NOOP"):
                    self.reply("250 OK")
                elif verb == "QUIT":
                    self.reply("221 Bye")
                    return
                else:
                    self.reply("502 Command not implemented")

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server.server_address[1], received
    finally:
        server.shutdown()
        server.server_close()
