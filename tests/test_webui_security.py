"""The web chat's write path attacked from outside, over raw HTTP (Gradio's own protocol, as an
outside caller speaks it): knowledge-base writes without the admin key, a FileData naming a
server file, anonymous /gradio_api/upload, and uploads served back. Real server, real service."""

from __future__ import annotations

import os
import random
import re
import string
import time
from pathlib import Path

import gradio_raw as gr_raw
import httpx
import pytest
from live_server import LiveServer

LANG = "中文"


def _server(seed_service, seed_settings, **updates):
    from assistant.server import create_app

    settings = seed_settings.model_copy(update={"rate_limit_per_minute": 0, **updates})
    return LiveServer(create_app(settings, service=seed_service), data_dir=settings.data_dir)


@pytest.fixture(scope="module")
def locked_server(seed_service, seed_settings):
    """API keys set, no admin key: knowledge-base writes are off everywhere."""
    server = _server(seed_service, seed_settings, api_keys="reader-key", admin_key="")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def admin_server(seed_service, seed_settings):
    server = _server(seed_service, seed_settings, admin_key="admin-key", upload_max_files=2,
                     upload_rate_per_minute=0)
    yield server
    server.stop()


@pytest.fixture
def secret(tmp_path: Path) -> tuple[Path, str]:
    marker = "".join(random.choices(string.ascii_lowercase, k=10))
    path = tmp_path / "secret_notes.txt"
    path.write_text(f"青山县{marker}秘密计划：今年青山县{marker}将新建秘密基地99座。\n", encoding="utf-8")
    os.chmod(path, 0o600)
    return path, marker


def _sources(url: str, key: str = "reader-key") -> set[str]:
    docs = httpx.get(f"{url}/api/v1/documents", headers={"Authorization": f"Bearer {key}"}, timeout=30).json()
    return {d["source"] for d in docs}


def _doc_ids(url: str, key: str = "reader-key") -> set[str]:
    docs = httpx.get(f"{url}/api/v1/documents", headers={"Authorization": f"Bearer {key}"}, timeout=30).json()
    return {d["doc_id"] for d in docs}


def _holds(folder: Path, marker: str) -> list[Path]:
    found = []
    for p in folder.rglob("*"):
        try:
            if p.is_file() and marker.encode() in p.read_bytes():
                found.append(p)
        except OSError:
            continue
    return found


def test_web_writes_are_off_without_an_admin_key(locked_server, seed_settings, secret):
    url = locked_server.url
    before = _doc_ids(url)
    # anonymous /gradio_api/upload is refused while writes are off
    r = gr_raw.upload(url, [("plan.txt", "青山县新建公园3个。".encode())])
    assert r.status_code == 403 and r.json()["error"]["type"] == "Forbidden"

    # the upload event, fed a server path
    upload = gr_raw.fn_index(url, "planqa-upload-btn")
    result = gr_raw.call(url, upload, [[gr_raw.file_data(str(secret[0]))], "", LANG])
    assert result["status"] == 403 or "需要" in str(result.get("output"))
    # the delete event(s), as the page would fire them, with no key
    session = "attacker" + secret[1]
    doc_id = sorted(before)[0]
    gr_raw.call(url, gr_raw.fn_index(url, "planqa-refresh"), [], session=session)  # the page's choices
    gr_raw.call(url, gr_raw.fn_index(url, "planqa-delete-btn"), [doc_id, "", LANG], session=session)
    try:
        confirm = gr_raw.fn_index(url, "planqa-delete-yes")
    except LookupError:
        confirm = None
    if confirm is not None:
        gr_raw.call(url, confirm, [doc_id, "", LANG], session=session)
    assert _doc_ids(url) == before
    assert not _holds(Path(seed_settings.data_dir), secret[1])


def test_a_server_path_is_never_read_even_with_the_admin_key(admin_server, seed_settings, secret):
    url = admin_server.url
    before = _sources(url, "admin-key")
    upload = gr_raw.fn_index(url, "planqa-upload-btn")
    for path in (str(secret[0]), f"{seed_settings.data_dir}/../{secret[0].parent.name}/../{secret[0]}"):
        result = gr_raw.call(url, upload, [[gr_raw.file_data(path, "secret_notes.txt")], "admin-key", LANG])
        assert result["status"] == 403 or not result.get("success"), result
    assert _sources(url, "admin-key") == before
    answer = httpx.post(f"{url}/api/v1/ask", json={"question": f"青山县{secret[1]}今年将新建多少秘密基地？"},
                        timeout=60).json()
    assert "99" not in answer["answer"]
    # nothing of the secret was copied anywhere Gradio keeps files
    assert not _holds(Path(seed_settings.data_dir), secret[1])
    assert not _holds(Path("/tmp/gradio"), secret[1]) if Path("/tmp/gradio").exists() else True


def test_uploads_live_in_the_data_dir_are_not_served_back_and_need_the_key(admin_server, seed_settings):
    url = admin_server.url
    tag = "".join(random.choices(string.ascii_lowercase, k=8))
    name = f"qingshan-{tag}.txt"
    text = f"青山县{tag}2025年工作要点\n\n今年青山县{tag}将新建口袋公园7个。\n".encode()
    http = httpx.Client(timeout=60)
    r = gr_raw.upload(url, [(name, text)], client=http)
    assert r.status_code == 200, r.text
    [stored] = r.json()
    uploads = (Path(seed_settings.data_dir) / "uploads").resolve()
    assert Path(stored).resolve().is_relative_to(uploads) and Path(stored).read_bytes() == text
    for path in (f"/gradio_api/file={stored}", f"/gradio_api/file/{stored}"):
        assert http.get(url + path).status_code == 404
    assert tag not in http.get(f"{url}/gradio_api/file={stored}").text

    upload = gr_raw.fn_index(url, "planqa-upload-btn")
    page = "page" + tag  # one browser session: a wrong key first, then the right one
    wrong = gr_raw.call(url, upload, [[gr_raw.file_data(stored, name)], "wrong-key", LANG], client=http, session=page)
    assert wrong["success"] and "管理员密钥" in wrong["output"][0]
    assert name not in _sources(url, "admin-key")
    ok = gr_raw.call(url, upload, [[gr_raw.file_data(stored, name)], "admin-key", LANG], client=http, session=page)
    # accepted: ingested in the background (the page then polls the job's progress)
    assert ok["success"] and 'id="planqa-upload-progress"' in ok["output"][0], ok
    assert not _holds(Path("/tmp/gradio"), tag) if Path("/tmp/gradio").exists() else True
    deadline = time.monotonic() + 90
    while name not in (docs := {d["source"]: d for d in httpx.get(f"{url}/api/v1/documents").json()}):
        assert time.monotonic() < deadline, "the background ingest did not add the upload"
        time.sleep(0.5)
    assert not Path(stored).exists()  # deleted once ingested
    # the same path again is no longer an upload of this client
    again = gr_raw.call(url, upload, [[gr_raw.file_data(stored, name)], "admin-key", LANG], client=http)
    assert again["status"] == 403

    # delete: the first click only asks, naming the document; the confirmation deletes
    session = "admin" + tag
    doc_id = docs[name]["doc_id"]
    gr_raw.call(url, gr_raw.fn_index(url, "planqa-refresh"), [], session=session)  # the page's choices
    ask = gr_raw.call(url, gr_raw.fn_index(url, "planqa-delete-btn"), [doc_id, LANG], session=session)
    shown = re.sub(r"<[^>]+>", "", str(ask["output"]))  # the text the page shows, without markup
    assert ask["success"] and f"《青山县{tag}2025年工作要点》" in shown and doc_id in shown, ask
    assert name in _sources(url, "admin-key")
    confirm = gr_raw.fn_index(url, "planqa-delete-yes")
    denied = gr_raw.call(url, confirm, [None, "wrong-key", LANG], session=session)
    assert "管理员密钥" in denied["output"][0] and name in _sources(url, "admin-key")
    done = gr_raw.call(url, confirm, [None, "admin-key", LANG], session=session)
    assert "planqa-ok" in done["output"][0] and name not in _sources(url, "admin-key")


def test_anonymous_uploads_are_bounded_and_expire(seed_service, seed_settings):
    server = _server(seed_service, seed_settings, admin_key="admin-key", upload_max_files=2,
                     upload_rate_per_minute=3, upload_ttl_s=1.0, max_request_bytes=64 * 1024)
    try:
        url = server.url
        too_many = gr_raw.upload(url, [(f"f{i}.txt", b"x") for i in range(3)])
        assert too_many.status_code == 413 and too_many.json()["error"]["type"] == "RequestTooLarge"
        too_big = gr_raw.upload(url, [("big.txt", b"x" * 70 * 1024)])
        assert too_big.status_code == 413
        other = httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.2"), timeout=60)
        first = gr_raw.upload(url, [("a.txt", b"first")], client=other)
        assert first.status_code == 200
        stored = Path(first.json()[0])
        statuses = [gr_raw.upload(url, [("b.txt", b"more")]).status_code for _ in range(4)]
        assert statuses[-1] == 429 and statuses.count(429) >= 1  # per client address
        time.sleep(1.5)  # past the TTL: the next upload request sweeps it away
        assert gr_raw.upload(url, [("c.txt", b"later")], client=other).status_code == 200
        assert not stored.exists()
        # Gradio's other anonymous upload route is closed
        assert httpx.post(f"{url}/gradio_api/process_recording", files=[("files", ("r.webm", b"x"))]).status_code == 404
    finally:
        server.stop()


def test_wrong_admin_keys_in_the_web_chat_are_rate_limited(seed_service, seed_settings):
    server = _server(seed_service, seed_settings, admin_key="admin-key", auth_failures_per_minute=3)
    try:
        url = server.url
        confirm = gr_raw.fn_index(url, "planqa-delete-yes")
        replies = [gr_raw.call(url, confirm, [None, f"guess-{i}", LANG])["output"][0] for i in range(5)]
        assert all("管理员密钥" in r for r in replies[:3])
        assert "次数过多" in replies[4]
        # the right key from that address waits too; the API counts the same failures
        assert "次数过多" in gr_raw.call(url, confirm, [None, "admin-key", LANG])["output"][0]
        assert httpx.delete(f"{url}/api/v1/documents/x", headers={"Authorization": "Bearer admin-key"}).status_code == 429
    finally:
        server.stop()


def test_the_english_page_is_behind_the_same_gate(locked_server, admin_server, seed_settings, secret):
    """/en/ is a second mount of the chat: its Gradio routes (/en/gradio_api/...) get the same
    checks as those of / — and its own uploads work."""
    # writes off: anonymous uploads refused
    r = gr_raw.upload(locked_server.url + "/en", [("plan.txt", "青山县新建公园3个。".encode())])
    assert r.status_code == 403 and r.json()["error"]["type"] == "Forbidden"
    # a server path named in an event of the English page is refused before Gradio reads it
    en = admin_server.url + "/en"
    upload = gr_raw.fn_index(en, "planqa-upload-btn")
    result = gr_raw.call(en, upload, [[gr_raw.file_data(str(secret[0]), "secret_notes.txt")], "admin-key", "English"])
    assert result["status"] == 403 or not result.get("success"), result
    assert not _holds(Path(seed_settings.data_dir), secret[1])
    # a real upload through the English page is this client's, and is taken by its upload event
    tag = "".join(random.choices(string.ascii_lowercase, k=8))
    name = f"qingshan-{tag}.txt"
    http = httpx.Client(timeout=60)
    r = gr_raw.upload(en, [(name, f"青山县{tag}2025年工作要点\n\n今年青山县{tag}将新建口袋公园7个。\n".encode())], client=http)
    assert r.status_code == 200, r.text
    [stored] = r.json()
    assert http.get(f"{en}/gradio_api/file={stored}").status_code == 404
    ok = gr_raw.call(en, upload, [[gr_raw.file_data(stored, name)], "admin-key", "English"], client=http, session="en" + tag)
    assert ok["success"] and 'id="planqa-upload-progress"' in ok["output"][0], ok
    deadline = time.monotonic() + 90
    while name not in (docs := {d["source"]: d for d in httpx.get(f"{admin_server.url}/api/v1/documents").json()}):
        assert time.monotonic() < deadline, "the background ingest did not add the upload"
        time.sleep(0.5)
    httpx.delete(f"{admin_server.url}/api/v1/documents/{docs[name]['doc_id']}",
                 headers={"Authorization": "Bearer admin-key"}, timeout=30)
