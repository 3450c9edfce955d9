"""What users may see of the server's file system: nothing. Sources and error messages leave
the server (API, web chat) without absolute paths; the full ones stay in the store and the logs.
The CLI, the operator's own tool, keeps them."""

from __future__ import annotations

import logging
import re
from pathlib import PurePosixPath, PureWindowsPath

log = logging.getLogger("planqa")

_SEPARATORS = ("!/", "#L")  # an archive's member, a line of a one-per-line file
_WINDOWS = re.compile(r"^[A-Za-z]:[\\/]")
# An absolute path inside a message: "/" then at least one "dir/" (so "/docs" or "/v1" stay).
_ABSOLUTE = re.compile(r"(?<![\w.~:/])(?:/[^\s/'\"，。：:；;、）)(\]]+)+/([^\s/'\"，。：:；;、）)(\]]*)")


def public_source(source: str | None) -> str:
    """A document's source as users see it: the file name instead of an absolute path, with an
    archive member (``bundle.zip!/a/b.txt``) or a line (``news.txt#L12``) kept."""
    if not source:
        return ""
    cut = min((i for i in (source.find(s) for s in _SEPARATORS) if i >= 0), default=len(source))
    head, tail = source[:cut], source[cut:]
    if _WINDOWS.match(head):
        head = PureWindowsPath(head).name
    elif head.startswith(("/", "~")):
        head = PurePosixPath(head).name
    return head + tail


def public_message(message: str) -> str:
    """An error message with every absolute path cut to its last part (logged in full)."""
    public = _ABSOLUTE.sub(lambda m: m.group(1) or "…", message)
    if public != message:
        log.info("shown without server paths: %s", message)
    return public
