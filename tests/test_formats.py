"""Loaders for .docx, .pdf, .html, .zip and one-document-per-line files, on real files made here,
and bad input of every kind: named in a clear error, the rest of the ingest proceeds, nothing
stored is lost."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from assistant.settings import Settings
from common.errors import DocumentError
from ingest.formats import member_name
from ingest.lines import load_lines, parse_line
from ingest.loaders import load_bytes, load_path
from tests.conftest import SHARED


def make_docx(paragraphs: list[str], table: list[list[str]] | None = None) -> bytes:
    import docx

    document = docx.Document()
    for text in paragraphs[:1]:
        document.add_paragraph(text)
    if table:
        t = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                t.cell(r, c).text = value
    for text in paragraphs[1:]:
        document.add_paragraph(text)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def make_pdf(pages: list[list[str]], password: str = "") -> bytes:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf)
    for lines in pages:
        pdf.setFont("STSong-Light", 11)
        for i, line in enumerate(lines):
            pdf.drawString(60, 780 - 18 * i, line)
        pdf.showPage()
    pdf.save()
    data = buf.getvalue()
    if password:
        from pypdf import PdfReader, PdfWriter

        writer = PdfWriter()
        for page in PdfReader(io.BytesIO(data)).pages:
            writer.add_page(page)
        writer.encrypt(password)
        out = io.BytesIO()
        writer.write(out)
        data = out.getvalue()
    return data


def gbk_named_zip(members: dict[str, bytes]) -> bytes:
    """A zip whose member names are GBK bytes without the UTF-8 flag (as Windows tools write
    them): written under ASCII placeholders of the same byte length, then patched."""
    buf = io.BytesIO()
    placeholders: dict[bytes, bytes] = {}
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for i, (name, data) in enumerate(members.items()):
            raw = name.encode("gbk")
            stem = f"m{i}_".encode()
            placeholder = (stem + b"x" * len(raw))[: len(raw) - 4] + raw[-4:]
            placeholders[placeholder] = raw
            archive.writestr(placeholder.decode("ascii"), data)
    out = buf.getvalue()
    for placeholder, raw in placeholders.items():
        out = out.replace(placeholder, raw)
    return out


# ---------------------------------------------------------------------------- good files
def test_docx_keeps_paragraphs_and_tables_as_text_rows():
    data = make_docx(
        ["2024年海城市政府工作报告", "今年新建5G基站300个。"],
        table=[["指标", "目标"], ["地区生产总值增长", "6%左右"]],
    )
    [doc] = load_bytes("plan.docx", data)
    assert doc.text.splitlines() == [
        "2024年海城市政府工作报告", "指标 | 目标。", "地区生产总值增长 | 6%左右。", "今年新建5G基站300个。",
    ]


def test_pdf_text_with_page_numbers():
    data = make_pdf([["2024年海城市政府工作报告", "今年新建5G基站300个。"], ["城镇新增就业1.2万人以上。"]])
    [doc] = load_bytes("plan.pdf", data)
    assert "新建5G基站300个" in doc.text and "城镇新增就业1.2万人以上" in doc.text
    assert [number for _, number in doc.pages] == [1, 2]
    second = doc.pages[1][0]
    assert doc.text[second:].startswith("城镇新增就业")


def test_html_main_text_only():
    page = (
        "<html><head><title>海城市2024年重点工作</title><script>var tracker=1;</script></head><body>"
        "<nav><a href='/'>首页</a> | <a href='/news'>新闻中心</a> | <a href='/c'>联系我们</a></nav>"
        "<article><h1>海城市2024年重点工作</h1><p>今年海城市将新建5G基站300个，城镇新增就业1.2万人以上，"
        "这是政府工作的重点任务之一，要确保按期完成。</p><p>继续推进乡村振兴，新建改建农村道路100公里，"
        "改造老旧小区20个。</p></article><footer>版权所有 海城市人民政府 辽ICP备000000号</footer></body></html>"
    )
    [doc] = load_bytes("news.html", page.encode("utf-8"))
    assert "新建5G基站300个" in doc.text and "新建改建农村道路100公里" in doc.text
    for boilerplate in ("联系我们", "版权所有", "tracker", "ICP"):
        assert boilerplate not in doc.text


def test_zip_members_with_gbk_names_recursively():
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as archive:
        archive.writestr("nested/说明.txt", "海城市今年将改造老旧小区20个。")
    data = gbk_named_zip({
        "海城市工作报告.txt": "海城市今年将新建5G基站300个。".encode("gbk"),
        "附件/重点项目.docx": make_docx(["海城市今年实施重点项目50个。"]),
        "内层.zip": inner.getvalue(),
        "readme.exe": b"MZ",
    })
    docs = load_bytes("bundle.zip", data)
    assert sorted(d.name for d in docs) == sorted(["说明.txt", "海城市工作报告.txt", "重点项目.docx"])
    assert all(d.container == "bundle.zip" for d in docs)
    assert any(d.source == "bundle.zip!/附件/重点项目.docx" for d in docs)


def test_the_shared_gbk_zip_decodes_province_names():
    path = SHARED / "corpora" / "provincial-2025-gbk-names.zip"
    with zipfile.ZipFile(path) as archive:
        names = {member_name(i) for i in archive.infolist()}
    assert "2025年湖北省政府工作报告.docx" in names and len(names) == 31


def test_lines_mode(tmp_path: Path):
    assert parse_line("2023-08-16 20:52:29，正文：海城市今年将新建5G基站300个。") == (
        "2023-08-16", "海城市今年将新建5G基站300个。")
    assert parse_line("2023-07-25 18:41，正文：  新闻正文") == ("2023-07-25", "新闻正文")
    f = tmp_path / "news.txt"
    f.write_text(
        "2023-08-16 20:52:29，正文：海城市今年将新建5G基站300个，城镇新增就业1.2万人以上。\n"
        "2023-08-17 08:25:38，正文：短\n"
        "\n"
        "2023-09-01 10:00，正文：鞍山市今年将改造老旧小区20个，惠及居民一万余户。\n",
        encoding="utf-8",
    )
    docs = [d for d in load_lines(f) if not isinstance(d, DocumentError)]
    assert [d.source for d in docs] == [f"{f}#L1", f"{f}#L4"]
    assert docs[0].meta["year"] == 2023 and docs[0].meta["date"] == "2023-08-16"
    assert docs[1].text.startswith("鞍山市今年") and docs[1].container == str(f)


# ---------------------------------------------------------------------------- bad files
def bad_files() -> dict[str, bytes]:
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("big.txt", b"0" * (8 * 1024 * 1024))
    return {
        "corrupt.docx": b"PK\x03\x04" + b"\x00garbage" * 50,
        "corrupt.pdf": b"%PDF-1.7\n" + b"\x00\x01garbage" * 50,
        "corrupt.zip": b"PK\x03\x04" + b"\xff" * 200,
        "bomb.zip": bomb.getvalue(),
        "locked.pdf": make_pdf([["机密文件内容。"]], password="secret"),
        "empty.docx": b"",
        "notes.pdf": "这不是PDF文件，而是一段文字。".encode(),
        "table.docx": "这不是Word文件。".encode(),
        "page.html": b"\x00\x01\x02\x03" * 64,
    }


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("corrupt.docx", "corrupt"), ("corrupt.pdf", "corrupt"), ("corrupt.zip", "corrupt"),
        ("bomb.zip", "zip bomb"), ("locked.pdf", "encrypted"), ("empty.docx", "empty"),
        ("notes.pdf", "not a .pdf"), ("table.docx", "not a .docx"), ("page.html", "not an HTML file"),
    ],
)
def test_bad_files_raise_a_clear_error_naming_them(name: str, reason: str):
    with pytest.raises(DocumentError) as err:
        load_bytes(name, bad_files()[name])
    assert name in str(err.value) and reason in str(err.value)


def test_bad_files_in_an_ingest_are_named_and_nothing_is_lost(tmp_path: Path):
    from assistant.factory import build_service

    service = build_service(Settings(data_dir=tmp_path / "data", progress=False, collection="formats"))
    first = tmp_path / "first.docx"
    first.write_bytes(make_docx(["海城市今年将新建5G基站300个。"]))
    assert service.ingest([first]).added == [str(first)]
    before = service.kb.docstore.all_chunk_ids()

    folder = tmp_path / "incoming"
    folder.mkdir()
    for name, data in bad_files().items():
        (folder / name).write_bytes(data)
    (folder / "good.pdf").write_bytes(make_pdf([["海城市今年将改造老旧小区20个。"], ["海城市今年实施重点项目50个。"]]))
    report = service.ingest([folder])
    failed = {Path(p).name for p, _ in report.failed}
    assert failed == set(bad_files())
    assert report.added == [str(folder / "good.pdf")]
    assert before < service.kb.docstore.all_chunk_ids()
    answer = service.ask("海城市今年实施多少个重点项目？")
    assert "50个" in answer.answer and "第2页" in answer.citations[0].section
    assert "300个" in service.ask("海城市今年新建多少个5G基站？").answer
    assert list(load_path(folder / "missing.pdf"))[0].reason == "no such file or folder"  # type: ignore[union-attr]
