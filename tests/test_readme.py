"""Every command of the README runs: each ```sh block line by line, the ```console transcript
against its shown output, each ```python block against the server its preceding ```sh block
started. Against a temporary data dir, on free loopback ports (the README's 7860, 7861 and
8000 are replaced), offline.

* a line ending in ``&`` starts a server: it must come up (its port answers) and is stopped
  when its block is done;
* a line whose comment says it takes ``minutes`` or ``hours`` (the full ingest benchmark) must
  still be running, or have succeeded, after ``LONG_SECONDS``;
* any other line must exit 0 within ``TIMEOUT`` seconds, without an ``error`` in its output."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT
from live_server import free_port

README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCK_RE = re.compile(r"^```(\w+)\n(.*?)^```", re.M | re.S)
PORTS = (7860, 7861, 8000)
TIMEOUT = 300
LONG_SECONDS = 10
SERVER_START = 240  # planqa serve ingests the default corpus and warms up before it listens


def blocks(kind: str) -> list[tuple[int, str]]:
    """(index among all fenced blocks, text) of the blocks of one kind."""
    return [(i, m.group(2)) for i, m in enumerate(BLOCK_RE.finditer(README)) if m.group(1) == kind]


def commands(block: str) -> list[tuple[str, str]]:
    """(command, comment) per line; a comment is what follows ``  #`` at the end of a line."""
    out = []
    for line in block.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        command, _, comment = line.partition("   #")
        out.append((command.strip(), comment.strip()))
    return out


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One data dir for the module: the default corpus is ingested once, by the first command."""
    return tmp_path_factory.mktemp("readme") / "data"


@pytest.fixture
def shell(tmp_path: Path, data_dir: Path) -> Iterator[Shell]:
    sh = Shell(tmp_path, data_dir)
    yield sh
    sh.stop()


class Shell:
    """Runs README commands in a temp data dir, on free ports; stops what it started."""

    def __init__(self, tmp: Path, data_dir: Path) -> None:
        self.tmp = tmp
        self.ports = {port: free_port() for port in PORTS}
        self.background: list[subprocess.Popen[bytes]] = []
        bin_dir = str(Path(sys.executable).parent)
        self.env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "PLANQA_DATA_DIR": str(data_dir),
                    "PLANQA_PROGRESS": "false", "PLANQA_LOCAL_SETUP": "off", "PYTHONUNBUFFERED": "1"}

    def adapt(self, text: str) -> str:
        for port, free in self.ports.items():
            text = re.sub(rf"(127\.0\.0\.1:|--port ){port}\b", rf"\g<1>{free}", text)
        return text.replace("/srv/planqa", str(self.tmp / "srv"))

    def run(self, command: str, comment: str = "") -> str:
        command = self.adapt(command)
        if command.endswith("&"):
            self.start(command.rstrip("& "))
            return ""
        if re.search(r"\b(?:minutes|hours)\b", comment):
            return self.run_long(command)
        out = subprocess.run(["bash", "-c", command], cwd=ROOT, env=self.env, capture_output=True, timeout=TIMEOUT)
        text = out.stdout.decode(errors="replace") + out.stderr.decode(errors="replace")
        assert out.returncode == 0, f"`{command}` exited {out.returncode}:\n{text[-3000:]}"
        assert not re.search(r"^error:|\"error\":", text, re.M), f"`{command}` reported an error:\n{text[-3000:]}"
        return out.stdout.decode(errors="replace")

    def run_long(self, command: str) -> str:
        proc = subprocess.Popen(["bash", "-c", command], cwd=ROOT, env=self.env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, start_new_session=True)
        try:
            out, _ = proc.communicate(timeout=LONG_SECONDS)
            assert proc.returncode == 0, f"`{command}` exited {proc.returncode}:\n{out.decode(errors='replace')[-3000:]}"
        except subprocess.TimeoutExpired:
            self.kill(proc)  # still working after LONG_SECONDS: it started right
        return ""

    def start(self, command: str) -> None:
        port = int(re.findall(r"--port (\d+)", command)[-1])
        log = (self.tmp / f"server-{port}.log").open("wb")
        proc = subprocess.Popen(["bash", "-c", command], cwd=ROOT, env=self.env, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
        self.background.append(proc)
        deadline = time.monotonic() + SERVER_START
        while time.monotonic() < deadline:
            assert proc.poll() is None, f"`{command}` exited {proc.returncode}: " + \
                (self.tmp / f"server-{port}.log").read_text(errors="replace")[-3000:]
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    return
            time.sleep(0.5)
        raise AssertionError(f"`{command}` did not listen on {port} within {SERVER_START} s")

    @staticmethod
    def kill(proc: subprocess.Popen[bytes]) -> None:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()

    def stop(self) -> None:
        for proc in reversed(self.background):
            self.kill(proc)


def test_the_readme_has_its_commands_in_blocks_this_test_runs():
    kinds = [m.group(1) for m in BLOCK_RE.finditer(README)]
    assert kinds.count("sh") >= 5 and "console" in kinds and "python" in kinds
    assert not [k for k in kinds if k not in ("sh", "console", "python", "text", "json", "html")], kinds
    # Chinese query values in a curl command need -G --data-urlencode (a raw URL is not valid HTTP)
    for _, block in blocks("sh"):
        for command, _ in commands(block):
            if command.startswith("curl") and "?" in command:
                assert not re.search(r"\?[^ '\"]*[\u4e00-\u9fff]", command), command


def test_console_transcript(shell: Shell):
    (_, block), = blocks("console")
    parts = re.split(r"^\$ (.*)$", block, flags=re.M)
    for command, shown in zip(parts[1::2], parts[2::2], strict=True):
        got = shell.run(command).rstrip("\n").splitlines()
        want = shown.strip("\n").splitlines()
        assert len(got) == len(want), (command, got)
        for line, pattern in zip(got, want, strict=True):
            assert re.fullmatch(".*".join(re.escape(p) for p in pattern.split("…")), line), (line, pattern)


@pytest.mark.parametrize("index", [i for i, _ in blocks("sh")])
def test_shell_block(shell: Shell, index: int):
    block = dict(blocks("sh"))[index]
    for command, comment in commands(block):
        out = shell.run(command, comment)
        if command.startswith("curl") and out.lstrip().startswith("{"):
            body = json.loads(out)
            assert "error" not in body and (body.get("count", 1) > 0), out[:500]
    # a ```python block right after a ```sh block talks to the server that block started
    following = [text for i, text in blocks("python") if i == index + 1]
    for code in following:
        out = shell.run(f"python - <<'PY'\n{code}PY")
        assert out.count("[1]") >= 2 and "[^1]: 《" in out, out
