"""Gradio picks the language of its own strings (its loading text, drop zones, like buttons)
from the browser (``navigator.language``) when it starts. The chat's pages have a language of
their own (``/`` Chinese, ``/en/`` English), so this middleware tells Gradio the page's
language before it starts: a small script first in the ``<head>`` of each page's HTML. (The
page's load event sets it again, which covers the chat embedded as a web component.)"""

from __future__ import annotations

import json
from typing import Any

Scope = dict[str, Any]


class PageLocale:
    """ASGI middleware; ``pages`` maps a page path (``/``, ``/en/``) to a Gradio locale."""

    def __init__(self, app: Any, pages: dict[str, str]) -> None:
        self.app = app
        self.pages = {path.rstrip("/") or "/": locale for path, locale in pages.items()}

    def _locale(self, scope: Scope) -> str | None:
        if scope["type"] != "http" or scope["method"] != "GET":
            return None
        return self.pages.get(scope["path"].rstrip("/") or "/")

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        locale = self._locale(scope)
        if locale is None:
            await self.app(scope, receive, send)
            return
        # the page uncompressed (it is small), so that the script can go in
        headers = [(k, v) for k, v in scope["headers"] if k.lower() != b"accept-encoding"]
        scope = {**scope, "headers": headers}
        script = ("<script>(function(){var l=" + json.dumps(locale) + ";try{"
                  "Object.defineProperty(navigator,'language',{get:function(){return l;}});"
                  "Object.defineProperty(navigator,'languages',{get:function(){return [l];}});"
                  "}catch(e){}})();</script>").encode()
        start: dict[str, Any] = {}
        body: list[bytes] = []

        async def capture(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            body.append(message.get("body", b""))
            if message.get("more_body"):
                return
            html = b"".join(body)
            kind = dict(start.get("headers", [])).get(b"content-type", b"")
            if kind.startswith(b"text/html") and b"<head>" in html:
                html = html.replace(b"<head>", b"<head>" + script, 1)
            start["headers"] = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
            start["headers"].append((b"content-length", str(len(html)).encode()))
            await send(start)
            await send({"type": "http.response.body", "body": html})

        await self.app(scope, receive, capture)
