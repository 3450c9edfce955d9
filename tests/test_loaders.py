import pytest

from common.errors import DocumentError
from ingest.loaders import decode_text, load_bytes, load_path


def test_gbk_and_gb18030_are_detected():
    text = "海城市将实施20项民生保障工程。"
    for encoding in ("gbk", "gb18030"):
        decoded, used = decode_text("a.txt", text.encode(encoding))
        assert decoded == text and used == "gb18030"
    decoded, used = decode_text("a.txt", ("\ufeff" + text).encode("utf-8"))
    assert decoded == text and used == "utf-8"


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.md", b"   \n\n", "empty"),
        ("binary.txt", bytes(range(256)) * 4, "binary"),
        ("latin.txt", "Ceci n'est pas du chinois: é à ü ß".encode("latin-1"), "cannot be decoded"),
        ("report.exe", b"MZ...", "unsupported"),
    ],
)
def test_bad_files_raise_an_error_naming_the_file(name, data, reason):
    with pytest.raises(DocumentError) as err:
        load_bytes(name, data)
    assert name in str(err.value) and reason in str(err.value)


def test_a_folder_yields_errors_beside_good_documents(tmp_path):
    (tmp_path / "good.txt").write_text("海城市将实施20项民生保障工程。", encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"\x00\x01\x02")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "gbk.md").write_bytes("新建改建农村道路100公里。".encode("gbk"))
    results = list(load_path(tmp_path))
    errors = [r for r in results if isinstance(r, DocumentError)]
    good = [r for r in results if not isinstance(r, DocumentError)]
    assert [e.path.endswith("bad.txt") for e in errors] == [True]
    assert sorted(g.name for g in good) == ["gbk.md", "good.txt"]
    missing = list(load_path(tmp_path / "nope.txt"))
    assert isinstance(missing[0], DocumentError) and "nope.txt" in str(missing[0])
