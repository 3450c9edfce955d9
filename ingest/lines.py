"""One document per line: files like ``policy_news_2023.txt`` where each line is
``<time>，正文：<text>`` (or just ``<text>``). Each line becomes its own document with source
``<file>#L<n>``, its date and year from the time prefix, and document type 新闻.

A line is identified by the hash of its bytes, so re-ingesting the file skips unchanged lines
wherever they moved; lines no longer in the file are removed (the file is their container)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from common.errors import DocumentError
from ingest.loaders import (
    DEFAULT_LIMITS,
    Limits,
    LoadedFile,
    content_hash,
    decode_text,
    looks_binary,
    read_file,
    too_long,
)
from ingest.metadata import NEWS

_PREFIX_RE = re.compile(
    r"^\s*(?P<time>(?P<y>(?:19|20)\d\d)[-/.年](?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})日?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?)"
    r"\s*[，,]\s*(?:正文[：:])?"
)
_BODY_RE = re.compile(r"^[^，,]{0,40}[，,]\s*正文[：:]")
MIN_LINE_CHARS = 20


def parse_line(line: str) -> tuple[str, str]:
    """(ISO date or "", text) of one ``<time>，正文：<text>`` line."""
    m = _PREFIX_RE.match(line)
    if m:
        date = f"{m.group('y')}-{int(m.group('m')):02d}-{int(m.group('d')):02d}"
        return date, line[m.end() :].strip()
    m = _BODY_RE.match(line)
    if m:
        return "", line[m.end() :].strip()
    return "", line.strip()


def _title(date: str, text: str) -> str:
    head = re.split(r"[。！？!?\n]", text, maxsplit=1)[0].strip()
    head = re.sub(r"^原标题[：:]\s*", "", head)
    head = head[:30] + ("…" if len(head) > 30 else "")
    return f"{date} {head}".strip()


def load_lines(path: Path, limits: Limits = DEFAULT_LIMITS) -> Iterator[LoadedFile | DocumentError]:
    """Documents of a one-per-line file; a line too short to be a document is skipped, a line
    over the per-document limit is reported, and a file that cannot be read or decoded yields one
    ``DocumentError``."""
    source = str(path)
    try:
        data = read_file(path, limits)
    except DocumentError as exc:
        yield exc
        return
    if not data:
        yield DocumentError(source, "empty file (0 bytes)")
        return
    if looks_binary(data):
        yield DocumentError(source, "binary content, not a text file with one document per line")
        return
    try:
        text, encoding = decode_text(source, data)
    except DocumentError as exc:
        yield exc
        return
    for number, line in enumerate(text.splitlines(), start=1):
        date, body = parse_line(line)
        if len(body) < MIN_LINE_CHARS:
            continue
        if len(body) > limits.document_chars:
            yield too_long(f"{source}#L{number}", len(body), limits)
            continue
        meta: dict[str, object] = {"doc_type": NEWS, "title": _title(date, body), "line": number}
        if date:
            meta.update(date=date, year=int(date[:4]))
        yield LoadedFile(
            source=f"{source}#L{number}",
            text=body,
            content_hash=content_hash(line.strip().encode("utf-8")),
            name=f"{path.name}#L{number}",
            encoding=encoding,
            container=source,
            meta=meta,
        )
