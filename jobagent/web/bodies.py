"""Chunked request bodies read with the same cap as declared ones (issue 23 §11).

A body sent with ``Transfer-Encoding: chunked`` has no ``Content-Length``, so neither Flask's
``MAX_CONTENT_LENGTH`` check nor the submit fast path (``submit_wsgi``) can refuse it up front: werkzeug cut
such a body at the cap and the route answered 400 ``invalid_json`` instead of the documented 413. This
middleware, outermost, reads a chunked body up to one byte past the cap and hands on a body with a length:
one within the cap is then an ordinary request everywhere, one over it carries a length above the cap, which
Flask answers with its 413 (the same JSON as for a declared length) without reading it again.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = ["CappedBodies"]

_READ = 64 * 1024


class CappedBodies:
    """WSGI middleware: ``app.wsgi_app = CappedBodies(app.wsgi_app, max_body)``."""

    def __init__(self, app: WSGIApplication, max_body: int) -> None:
        self._app = app
        self._max_body = max_body

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if chunked and not environ.get("CONTENT_LENGTH"):
            raw = self._read_capped(environ["wsgi.input"])
            environ["wsgi.input"] = io.BytesIO(raw)
            environ["CONTENT_LENGTH"] = str(len(raw))  # over the cap by one byte when the body is too big
            del environ["HTTP_TRANSFER_ENCODING"]  # werkzeug ignores any length while this says "chunked"
        return self._app(environ, start_response)

    def _read_capped(self, stream: io.BufferedIOBase) -> bytes:
        parts: list[bytes] = []
        size, limit = 0, self._max_body + 1
        while size < limit:
            part = stream.read(min(_READ, limit - size))
            if not part:
                break
            parts.append(part)
            size += len(part)
        return b"".join(parts)
