"""Loaders: turn a file into decoded text. Each loader names the file in its errors.

``load_path`` expands folders (recursively) and returns one ``LoadedFile`` per document, or a
``DocumentError`` in its place so that one bad file never stops the others.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from common.errors import DocumentError

TEXT_SUFFIXES = {".txt", ".md", ".markdown"}


@dataclass
class LoadedFile:
    """One document's decoded text, where it came from, and its content hash."""

    source: str
    text: str
    content_hash: str
    name: str  # file name (or archive member name) used for titles and years
    encoding: str = "utf-8"
    pages: list[tuple[int, int]] = field(default_factory=list)  # (char offset, page number)
    # The file a document came out of when it is one of several (a zip, a one-per-line file):
    # documents of a container that are no longer in it are removed when it is re-ingested.
    container: str = ""
    # Metadata the loader knows better than detection (a news line's date, its doc type).
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Limits:
    """Hard caps on what an ingest reads, so that no file can exhaust memory or hold the
    ingest for long (``PLANQA_MAX_DOCUMENT_CHARS``, ``PLANQA_MAX_FILE_BYTES``,
    ``PLANQA_MAX_ARCHIVE_BYTES``). Sizes are counted as bytes are actually read."""

    document_chars: int = 2_000_000  # one document's decoded text
    file_bytes: int = 100 * 1024 * 1024  # one file, or one archive member as it expands
    archive_bytes: int = 256 * 1024 * 1024  # everything one archive expands to, nested archives included


DEFAULT_LIMITS = Limits()

Loader = Callable[[str, bytes, Limits], Iterable[LoadedFile]]
_LOADERS: dict[str, Loader] = {}


def register_loader(*suffixes: str) -> Callable[[Loader], Loader]:
    def wrap(fn: Loader) -> Loader:
        for suffix in suffixes:
            _LOADERS[suffix] = fn
        return fn

    return wrap


def supported_suffixes() -> set[str]:
    return set(_LOADERS)


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def looks_binary(data: bytes) -> bool:
    sample = data[:4096]
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return control > len(sample) * 0.05


def decode_text(source: str, data: bytes) -> tuple[str, str]:
    """Decode UTF-8 (with or without BOM), else GB18030 (a superset of GBK and GB2312).
    Raises ``DocumentError`` when neither decodes or the content is binary."""
    if looks_binary(data):
        raise DocumentError(source, "binary content, not a text document")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "gb18030" and not _plausible_chinese(text):
            break
        return text, ("utf-8" if encoding == "utf-8-sig" else encoding)
    raise DocumentError(source, "cannot be decoded as UTF-8 or GB18030/GBK text")


def _plausible_chinese(text: str) -> bool:
    """GB18030 decodes almost any byte string; accept it only if it reads as CJK text."""
    sample = text[:2000]
    letters = [c for c in sample if not c.isspace()]
    if not letters:
        return False
    common = sum(1 for c in letters if "\u4e00" <= c <= "\u9fff" or c.isascii() or "\u3000" <= c <= "\u303f"
                 or "\uff00" <= c <= "\uffef" or c in "“”‘’—…·")
    return common / len(letters) > 0.9


def too_long(source: str, chars: int, limits: Limits) -> DocumentError:
    return DocumentError(
        source, f"document has {chars:,} characters; the limit per document is {limits.document_chars:,} "
        "(PLANQA_MAX_DOCUMENT_CHARS): split it, or raise the limit"
    )


@register_loader(*TEXT_SUFFIXES)
def load_text(source: str, data: bytes, limits: Limits = DEFAULT_LIMITS) -> list[LoadedFile]:
    if len(data) > 4 * limits.document_chars:  # every character takes at most 4 bytes
        raise too_long(source, len(data) // 4, limits)
    text, encoding = decode_text(source, data)
    if not text.strip():
        raise DocumentError(source, "empty document (no text)")
    return [LoadedFile(source, text, content_hash(data), Path(source).name, encoding)]


def iter_bytes(source: str, data: bytes, limits: Limits = DEFAULT_LIMITS) -> Iterator[LoadedFile]:
    """The documents of a file given its name and content, one at a time (an archive's members
    are read as they are needed, never all at once). Raises ``DocumentError`` naming the file."""
    suffix = Path(source).suffix.lower()
    loader = _LOADERS.get(suffix)
    if loader is None:
        raise DocumentError(
            source, f"unsupported file type {suffix or '(none)'}; supported: {', '.join(sorted(_LOADERS))}"
        )
    if not data:
        raise DocumentError(source, "empty file (0 bytes)")
    if len(data) > limits.file_bytes:
        raise DocumentError(source, f"file has {len(data):,} bytes; the limit is {limits.file_bytes:,} "
                                    "(PLANQA_MAX_FILE_BYTES)")
    for item in loader(source, data, limits):
        if len(item.text) > limits.document_chars:
            raise too_long(item.source, len(item.text), limits)
        yield item


def load_bytes(source: str, data: bytes, limits: Limits = DEFAULT_LIMITS) -> list[LoadedFile]:
    """Load a file's documents given its name and content (all of them; see ``iter_bytes``)."""
    return list(iter_bytes(source, data, limits))


def iter_files(path: Path) -> Iterator[Path]:
    """A file itself, or the supported files under a folder (recursively, sorted)."""
    if path.is_dir():
        for child in sorted(path.rglob("*")):
            if child.is_file() and child.suffix.lower() in _LOADERS and not child.name.startswith("."):
                yield child
    else:
        yield path


def read_file(file: Path, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """A file's bytes, refused (``DocumentError``) before reading when it is over the limit."""
    try:
        size = file.stat().st_size
        if size > limits.file_bytes:
            raise DocumentError(str(file), f"file has {size:,} bytes; the limit is {limits.file_bytes:,} "
                                           "(PLANQA_MAX_FILE_BYTES)")
        return file.read_bytes()
    except OSError as exc:
        raise DocumentError(str(file), f"cannot be read ({exc.strerror or exc})") from exc


def load_path(path: Path, limits: Limits = DEFAULT_LIMITS) -> Iterator[LoadedFile | DocumentError]:
    """Documents under ``path``, one at a time; a file that fails yields its ``DocumentError``
    instead (after the documents it did yield, for an archive whose later member fails)."""
    if not path.exists():
        yield DocumentError(str(path), "no such file or folder")
        return
    for file in iter_files(path):
        try:
            yield from iter_bytes(str(file), read_file(file, limits), limits)
        except DocumentError as exc:
            yield exc


# Office, web and archive formats register themselves on import (they need the names above).
from ingest import formats as _formats  # noqa: E402,F401
