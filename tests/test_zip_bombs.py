"""Zip bombs through the real loaders and the real API: overlapping entries (many central-directory
entries pointing at one stored member), nested archives each within the declared limits, members
read one at a time, and the per-document cap."""

from __future__ import annotations

import io
import zipfile

import httpx
import pytest
from zipbombs import overlapping_zip

from common.errors import DocumentError
from ingest.loaders import Limits, iter_bytes, load_bytes

TEXT = "青山县今年将新建口袋公园7个，改造老旧小区12个。\n".encode()


def zip_of(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buf.getvalue()


def test_entries_sharing_one_stored_member_are_refused():
    inner = zip_of({"plan.txt": TEXT * 1000})
    bomb = overlapping_zip(inner, 199, name="inner.zip")
    with pytest.raises(DocumentError) as err:
        next(iter_bytes("bomb.zip", bomb))
    assert "bomb.zip" in str(err.value) and "overlap" in str(err.value)
    # the same trick with one text member
    with pytest.raises(DocumentError, match="overlap"):
        load_bytes("dup.zip", overlapping_zip(TEXT, 3))
    # a single entry built the same way is a fine archive
    [doc] = load_bytes("one.zip", overlapping_zip(TEXT, 1))
    assert doc.text == TEXT.decode() and doc.source == "one.zip!/report.txt"


def test_expansion_is_counted_as_read_across_nested_archives():
    # Each nested zip is within the declared limits on its own; together they pass the cap.
    inner = zip_of({"part.txt": TEXT * 12_000})  # ~0.7 MB of text, deflated
    outer = zip_of({f"inner{i}.zip": inner for i in range(6)}, method=zipfile.ZIP_STORED)
    limits = Limits(document_chars=2_000_000, file_bytes=2_000_000, archive_bytes=3_000_000)
    items = iter_bytes("nested.zip", outer, limits)
    got = []
    with pytest.raises(DocumentError) as err:
        for item in items:
            got.append(item)
    message = str(err.value)
    assert message.startswith("nested.zip") and "3,000,000" in message and "PLANQA_MAX_ARCHIVE_BYTES" in message
    assert 1 <= len(got) < 6
    # a member larger than the per-file cap stops while it is being read
    with pytest.raises(DocumentError, match=r"big\.txt.*per file.*PLANQA_MAX_FILE_BYTES"):
        load_bytes("one.zip", zip_of({"big.txt": TEXT * 40_000}), Limits(file_bytes=1_000_000))


def test_members_are_read_one_at_a_time():
    archive = zip_of({"a.txt": TEXT, "b.txt": TEXT + b"2", "c.docx": b"PK\x03\x04 not a docx"})
    items = iter_bytes("lazy.zip", archive)
    first = next(items)  # the broken third member has not been read yet
    assert first.source == "lazy.zip!/a.txt"
    assert next(items).source == "lazy.zip!/b.txt"
    with pytest.raises(DocumentError, match=r"lazy\.zip!/c\.docx"):
        next(items)


def test_a_document_over_the_cap_is_refused_naming_it():
    text = ("青山县" * 400 + "。\n").encode() * 10  # 12,010 characters
    limits = Limits(document_chars=10_000)
    with pytest.raises(DocumentError) as err:
        load_bytes("long.txt", text, limits)
    assert "long.txt" in str(err.value) and "10,000" in str(err.value) and "PLANQA_MAX_DOCUMENT_CHARS" in str(err.value)
    with pytest.raises(DocumentError, match=r"bundle\.zip!/long\.txt.*PLANQA_MAX_DOCUMENT_CHARS"):
        load_bytes("bundle.zip", zip_of({"long.txt": text}), limits)
    assert load_bytes("short.txt", text[:3000], limits)


def test_the_api_refuses_an_overlapping_bomb_and_keeps_what_is_stored(planqa_server):
    url = planqa_server.url
    before = httpx.get(f"{url}/api/v1/documents").json()
    inner = zip_of({"plan.txt": TEXT * 1000})
    r = httpx.post(f"{url}/api/v1/documents", timeout=60,
                   files=[("files", ("bomb.zip", overlapping_zip(inner, 199, name="inner.zip"), "application/zip"))])
    assert r.status_code == 422
    assert "bomb.zip" in r.json()["error"]["message"] and "overlap" in r.json()["error"]["message"]
    assert httpx.get(f"{url}/api/v1/documents").json() == before
