"""Security headers on every response, and a cap on request bodies (uploads aside). A plain ASGI
middleware: it adds headers as the response starts, without buffering bodies."""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from linewatch.api.problems import PROBLEM_MEDIA_TYPE

MAX_BODY_BYTES = 1024 * 1024
UPLOAD_PATHS = ("/feeds",)

_COMMON = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    # Personal data must not linger in browser or proxy caches.
    (b"cache-control", b"no-store"),
]
_API_CSP = b"default-src 'none'; frame-ancestors 'none'"
_DOCS_CSP = b"default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; form-action 'none'"
_HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")


class SecurityHeaders:
    def __init__(self, app: ASGIApp, *, hsts: bool = False, max_upload_bytes: int = 512 * 1024 * 1024):
        self.app = app
        self.hsts = hsts
        self.max_upload_bytes = max_upload_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        extra = [*_COMMON, (b"content-security-policy", _DOCS_CSP if path == "/docs" else _API_CSP)]
        if self.hsts:
            extra.append(_HSTS)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []), *[h for h in extra if h[0] not in present]]
            await send(message)

        limit = self.max_upload_bytes if path in UPLOAD_PATHS else MAX_BODY_BYTES
        length = dict(scope.get("headers", [])).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await _too_large(send_with_headers, path, limit)
            return
        await self.app(scope, receive, send_with_headers)


async def _too_large(send: Any, path: str, limit: int) -> None:
    body = json.dumps(
        {
            "type": "urn:linewatch:problem:too-large",
            "title": "Request too large",
            "status": 413,
            "detail": f"Bodies here are limited to {limit:,} bytes.",
            "instance": path,
        }
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", PROBLEM_MEDIA_TYPE.encode()), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
