"""Loaders for office, web and archive formats, registered with ``ingest.loaders``:

* ``.docx``: paragraphs in order, tables as text rows (cells joined by `` | ``);
* ``.pdf``: text per page; ``LoadedFile.pages`` keeps (offset, page number) so citations carry
  the page; encrypted PDFs are refused (we cannot read them without a password);
* ``.html``/``.htm``: main text only (navigation, footers, scripts dropped);
* ``.zip``: members loaded recursively by their own suffix, one at a time; member names stored
  without the UTF-8 flag are decoded as GBK/GB18030 (Chinese Windows archives). Zip bombs are
  stopped by the declared sizes and ratios before anything is decompressed, by refusing members
  whose data overlap (many entries pointing at one stored member), and by counting the bytes
  actually expanded, per member and for the whole archive with its nested archives
  (``Limits.file_bytes``, ``Limits.archive_bytes``).

Each loader checks the file really is what its suffix says (magic bytes) and names it in every
error. Third-party parsers raise many exception types; they are mapped to ``DocumentError`` here.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

from common.errors import DocumentError
from ingest.loaders import (
    DEFAULT_LIMITS,
    Limits,
    LoadedFile,
    content_hash,
    decode_text,
    iter_bytes,
    register_loader,
)

# Limits against zip bombs beside ``Limits``: member count, per-member ratio, nesting.
ZIP_MAX_MEMBERS = 10_000
ZIP_MAX_RATIO = 200
ZIP_MAX_DEPTH = 3
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


def _require_magic(source: str, data: bytes, magic: tuple[bytes, ...], what: str) -> None:
    if not any(data.startswith(m) for m in magic):
        raise DocumentError(source, f"not a {what} file (its content does not start like one)")


# ---------------------------------------------------------------------------- docx
def docx_text(source: str, data: bytes, limits: Limits = DEFAULT_LIMITS) -> str:
    """Body paragraphs and tables of a .docx in document order; a table row is one line."""
    _require_magic(source, data, _ZIP_MAGIC, ".docx (zip)")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:  # a .docx is a zip: no bombs inside either
            infos = package.infolist()
            check_zip(source, data, package, infos, limits.file_bytes, limits.file_bytes, ratios=False)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise DocumentError(source, f"corrupt or unreadable .docx ({exc})") from exc
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = docx.Document(io.BytesIO(data))
        lines: list[str] = []
        for item in document.iter_inner_content():
            if isinstance(item, Paragraph):
                lines.append(item.text)
            elif isinstance(item, Table):
                lines.extend(_table_rows(item))
    except DocumentError:
        raise
    except Exception as exc:  # python-docx raises KeyError, BadZipFile, lxml errors, ...
        raise DocumentError(source, f"corrupt or unreadable .docx ({type(exc).__name__}: {exc})") from exc
    return "\n".join(lines)


def _table_rows(table: object) -> list[str]:
    rows: list[str] = []
    for row in table.rows:  # type: ignore[attr-defined]
        cells: list[str] = []
        for cell in row.cells:
            text = re.sub(r"\s+", " ", cell.text).strip()
            if not cells or text != cells[-1]:  # merged cells repeat their text
                cells.append(text)
        if any(cells):
            rows.append(" | ".join(cells) + "。")
    return rows


@register_loader(".docx")
def load_docx(source: str, data: bytes, limits: Limits = DEFAULT_LIMITS) -> list[LoadedFile]:
    text = docx_text(source, data, limits)
    if not text.strip():
        raise DocumentError(source, "empty document (no text in the .docx)")
    return [LoadedFile(source, text, content_hash(data), PurePosixPath(source).name, "docx")]


# ---------------------------------------------------------------------------- pdf
@register_loader(".pdf")
def load_pdf(source: str, data: bytes, limits: Limits = DEFAULT_LIMITS) -> list[LoadedFile]:
    _require_magic(source, data, (b"%PDF",), ".pdf")
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise DocumentError(source, "encrypted PDF (password protected); decrypt it first")
        parts: list[str] = []
        pages: list[tuple[int, int]] = []
        offset = 0
        for number, page in enumerate(reader.pages, start=1):
            text = (page.extract_text() or "").strip()
            if not text:
                continue
            pages.append((offset, number))
            parts.append(text)
            offset += len(text) + 2
            if offset > limits.document_chars:
                break  # over the limit already: refused by the caller, without reading the rest
    except DocumentError:
        raise
    except Exception as exc:  # pypdf raises PdfReadError, ValueError, KeyError, ...
        raise DocumentError(source, f"corrupt or unreadable .pdf ({type(exc).__name__}: {exc})") from exc
    if not parts:
        raise DocumentError(source, "no extractable text in the .pdf (scanned images need OCR)")
    return [LoadedFile(source, "\n\n".join(parts), content_hash(data), PurePosixPath(source).name, "pdf",
                       pages=pages)]


# ---------------------------------------------------------------------------- html
_HTML_HINT = re.compile(rb"<\s*(?:!doctype\s+html|html|head|body|div|p|meta|title)\b", re.IGNORECASE)


def html_text(source: str, data: bytes) -> tuple[str, str]:
    """Main text of an HTML page (and its <title>), navigation and boilerplate dropped."""
    if not _HTML_HINT.search(data[:65536]):
        raise DocumentError(source, "not an HTML file (no HTML markup found)")
    markup, _ = decode_text(source, _charset_fix(data))
    try:
        import trafilatura

        text = trafilatura.extract(markup, include_tables=True, include_comments=False,
                                   favor_precision=True) or ""
        meta = trafilatura.extract_metadata(markup)
        title = (meta.title if meta else "") or ""
    except Exception as exc:  # lxml / trafilatura parse errors
        raise DocumentError(source, f"unreadable HTML ({type(exc).__name__}: {exc})") from exc
    text = re.sub(r"^\| (.*) \|\s*$", r"\1。", text, flags=re.M)  # table rows as text rows
    text = text.strip()
    if title and not text.startswith(title):
        text = f"{title}\n{text}"
    return text, title


def _charset_fix(data: bytes) -> bytes:
    """Pages declared GBK/GB2312 are decoded by ``decode_text``'s GB18030 path; nothing to do
    for UTF-8. Kept as a hook so a declared charset could be honoured later."""
    return data


@register_loader(".html", ".htm", ".xhtml")
def load_html(source: str, data: bytes, limits: Limits = DEFAULT_LIMITS) -> list[LoadedFile]:
    text, _title = html_text(source, data)
    if not text.strip():
        raise DocumentError(source, "no main text found in the HTML page")
    return [LoadedFile(source, text, content_hash(data), PurePosixPath(source).name, "html")]


# ---------------------------------------------------------------------------- zip
def member_name(info: zipfile.ZipInfo) -> str:
    """The member's real name: without the UTF-8 flag (0x800) zipfile decodes cp437; Chinese
    archives from Windows store GBK there. Try UTF-8, then GB18030, else keep cp437."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:
        return info.filename
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


@dataclass
class _Budget:
    """Bytes an archive (with its nested archives) may still expand to, counted as read."""

    source: str
    limit: int
    used: int = 0

    def room_for(self, declared: int, source: str) -> None:
        if self.used + declared > self.limit:
            raise DocumentError(source, f"would expand past {self.limit:,} bytes with the rest of {self.source} "
                                        "(the limit for one archive, PLANQA_MAX_ARCHIVE_BYTES); refused as a zip bomb")

    def spend(self, n: int) -> None:
        self.used += n
        if self.used > self.limit:
            raise DocumentError(self.source, f"expands past {self.limit:,} bytes (the limit for one archive, "
                                             "PLANQA_MAX_ARCHIVE_BYTES); refused as a zip bomb")


@register_loader(".zip")
def load_zip(source: str, data: bytes, limits: Limits = DEFAULT_LIMITS) -> Iterator[LoadedFile]:
    budget = _Budget(source, limits.archive_bytes)
    for item in load_zip_members(source, data, 0, limits, budget):
        item.container = source  # the archive file is the container, also of members of nested zips
        yield item


def load_zip_members(source: str, data: bytes, depth: int, limits: Limits = DEFAULT_LIMITS,
                     budget: _Budget | None = None) -> Iterator[LoadedFile]:
    """Every supported member, recursively (nested zips too, up to ``ZIP_MAX_DEPTH``), one at a
    time: a member is read (streamed, against the per-member and whole-archive caps) only when
    the previous one has been handed on. The archive's structure and declared sizes are checked
    before anything is yielded; a member that fails later is raised naming the member."""
    _require_magic(source, data, _ZIP_MAGIC, ".zip")
    if depth > ZIP_MAX_DEPTH:
        raise DocumentError(source, f"zip nested deeper than {ZIP_MAX_DEPTH} levels")
    budget = budget or _Budget(source, limits.archive_bytes)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = [i for i in archive.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise DocumentError(source, f"corrupt .zip ({exc})") from exc
    check_zip(source, data, archive, infos, limits.archive_bytes, limits.file_bytes)
    budget.room_for(sum(i.file_size for i in infos), source)
    from ingest.loaders import supported_suffixes

    found = False
    for info in infos:
        name = member_name(info)
        base = PurePosixPath(name).name
        if base.startswith(".") or "__MACOSX" in name or PurePosixPath(name).suffix.lower() not in supported_suffixes():
            continue
        member = f"{source}!/{name}"
        raw = _read_member(archive, info, member, limits.file_bytes, budget)
        if PurePosixPath(name).suffix.lower() == ".zip":
            items: Iterator[LoadedFile] = load_zip_members(member, raw, depth + 1, limits, budget)
        else:
            items = iter_bytes(member, raw, limits)
        del raw
        for item in items:
            found = True
            yield item
    if not found:
        raise DocumentError(source, "no supported documents inside the .zip")


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, member: str, cap: int, budget: _Budget) -> bytes:
    """A member's bytes, streamed: refused as soon as it passes ``cap`` or the archive's budget."""
    out = bytearray()
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(1 << 20):
                out += chunk
                if len(out) > cap:
                    raise DocumentError(member, f"expands past {cap:,} bytes (the limit per file, "
                                                "PLANQA_MAX_FILE_BYTES); refused as a zip bomb")
                budget.spend(len(chunk))
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, EOFError) as exc:  # CRC errors, encrypted
        raise DocumentError(member, f"cannot be extracted ({exc})") from exc
    return bytes(out)


_LOCAL_HEADER = struct.Struct("<4s5H3L2H")  # the 30 fixed bytes before a member's name and data


def check_zip(source: str, data: bytes, archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo],
              max_total: int, max_member: int, ratios: bool = True) -> None:
    """Refuse an archive before decompressing anything: too many members, declared sizes or
    ratios of a bomb, and members whose stored data overlap (several entries pointing at the
    same bytes: each would expand again) or run into the central directory."""
    if len(infos) > ZIP_MAX_MEMBERS:
        raise DocumentError(source, f"zip has {len(infos)} members (limit {ZIP_MAX_MEMBERS}); refused")
    spans: list[tuple[int, int, str]] = []
    for info in infos:
        start = info.header_offset
        header = data[start : start + _LOCAL_HEADER.size]
        if len(header) < _LOCAL_HEADER.size or not header.startswith(b"PK\x03\x04"):
            raise DocumentError(source, f"corrupt .zip (member {member_name(info)} has no local header)")
        fields = _LOCAL_HEADER.unpack(header)
        end = start + _LOCAL_HEADER.size + fields[-2] + fields[-1] + info.compress_size
        spans.append((start, end, member_name(info)))
    spans.sort()
    directory = getattr(archive, "start_dir", len(data))
    for (_, a_end, a_name), (b_start, _, b_name) in zip(spans, spans[1:], strict=False):
        if b_start < a_end:
            raise DocumentError(source, f"members {a_name} and {b_name} overlap (entries sharing stored data); "
                                        "refused as a zip bomb")
    if spans and spans[-1][1] > directory:
        raise DocumentError(source, f"member {spans[-1][2]} runs into the zip's directory; refused as a zip bomb")
    for info in infos:
        if info.file_size > max_member:
            raise DocumentError(source, f"member {member_name(info)} would expand to {info.file_size:,} bytes "
                                        f"(the limit per file is {max_member:,}, PLANQA_MAX_FILE_BYTES); refused")
    total = sum(i.file_size for i in infos)
    if total > max_total:
        raise DocumentError(
            source, f"zip would expand to {total:,} bytes (limit {max_total:,}); refused as a zip bomb"
        )
    if ratios:
        _check_ratios(source, data, infos, total)


def _check_ratios(source: str, data: bytes, infos: list[zipfile.ZipInfo], total: int) -> None:
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 1024 * 1024 and ratio > ZIP_MAX_RATIO:
            raise DocumentError(
                source, f"member {member_name(info)} expands {ratio:.0f}× (limit {ZIP_MAX_RATIO}×); "
                "refused as a zip bomb"
            )
    if total > 1024 * 1024 and total / max(len(data), 1) > ZIP_MAX_RATIO:
        raise DocumentError(source, f"zip expands {total / len(data):.0f}× overall; refused as a zip bomb")
