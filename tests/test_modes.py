"""Which answer modes are offered: only those that can answer now, each other one with its
reason; the local runtime prepared in the background (a real `make` on a stand-in Makefile)
with its progress read from the build's output; model files found wherever the data dir is."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from conftest import ROOT

from assistant.api.context import ServiceProvider
from assistant.llm.models import model_path
from assistant.llm.runtime import LocalRuntime, progress_of
from assistant.settings import Settings
from common.errors import ModelError


def test_model_files_do_not_depend_on_the_data_dir(tmp_path):
    """Another PLANQA_DATA_DIR used to lose the models `make setup` assembled."""
    settings = Settings(data_dir=tmp_path / "elsewhere")
    assert settings.model_dir == ROOT / ".planqa" / "models"
    assert model_path("qwen2.5-coder-0.5b", settings.model_dir).is_file()  # put there by `make setup`
    assert Settings(models_dir=tmp_path).model_dir == tmp_path


def test_only_modes_that_can_answer_are_offered(tmp_path):
    no_models = Settings(data_dir=tmp_path, models_dir=tmp_path / "empty")
    services = ServiceProvider(no_models, default=object())
    assert services.available_modes() == ["extractive"]
    reasons = {s.mode: s.reason for s in services.states() if not s.available}
    assert reasons == {"local": "off_local_runtime", "openai": "off_openai"}
    with pytest.raises(ModelError, match="answer mode 'local' is not available"):
        services.get("local")
    with pytest.raises(ModelError, match="PLANQA_OPENAI_BASE_URL"):
        services.get("openai")

    ready = Settings(data_dir=tmp_path, openai_base_url="http://127.0.0.1:9/v1", openai_model="m")
    assert ServiceProvider(ready, default=object()).available_modes() == ["extractive", "local", "openai"]


def test_progress_is_read_from_the_build_output():
    assert progress_of("") == ("start", 0)
    log = "planqa-step start\nplanqa-step build\n  [12/240] Building C object ggml.c.o\n  [120/240] Building CXX\n"
    step, percent = progress_of(log)
    assert step == "build" and 40 < percent < 50
    assert progress_of(log + "planqa-step install\n") == ("install", 85)
    assert progress_of(log + "planqa-step install\nplanqa-step models\n") == ("models", 95)


def test_runtime_is_prepared_in_the_background_with_progress(tmp_path):
    """`make local` runs in the background; its steps show while it runs; a failure says why."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "Makefile").write_text(
        "local:\n"
        "\t@echo planqa-step build\n"
        "\t@echo '[1/4] Building C object'\n"
        "\t@echo '[2/4] Building C object'\n"
        "\t@sleep 3\n"
        "\t@echo planqa-step install\n"
        "\t@echo 'ERROR: no matching distribution' && exit 3\n",
        encoding="utf-8",
    )
    settings = Settings(data_dir=tmp_path / "data", models_dir=tmp_path / "no-models")
    runtime = LocalRuntime(settings, project_root=project)
    assert runtime.managed and runtime.status().state == "missing"
    status = runtime.prepare()
    assert status.state == "building"
    deadline = time.monotonic() + 10
    while runtime.status().percent < 40 and time.monotonic() < deadline:
        time.sleep(0.1)
    during = runtime.status()
    assert during.state == "building" and during.step == "build" and during.percent == 2 + int(83 * 2 / 4)
    assert runtime.prepare().state == "building"  # a second request joins the running one
    done = runtime.wait(30)
    assert done.state == "failed" and "exited with 2" in done.reason and "no matching distribution" in done.reason
    assert Path(settings.data_dir, "local-runtime.log").read_text(encoding="utf-8").count("planqa-step build") == 1
    command = runtime.command()
    assert command[:5] == ["make", "--no-print-directory", "-C", str(project), "local"]
    assert "LLAMA_PIP_FLAGS=-v" in command


def test_a_server_without_the_runtime_checkout_does_not_offer_to_build_it(tmp_path):
    settings = Settings(data_dir=tmp_path, models_dir=tmp_path / "empty")
    runtime = LocalRuntime(settings, project_root=tmp_path / "not-a-checkout")
    assert not runtime.managed
    assert runtime.prepare().state in ("unmanaged", "model_missing")
    assert not runtime.building


def test_a_build_in_progress_stops_with_the_server(seed_service, seed_settings, tmp_path):
    """uvicorn re-raises SIGTERM after its shutdown, so no atexit runs: the compiler kept
    running after the server was gone. The server's shutdown stops it."""
    from fastapi.testclient import TestClient

    from assistant.server import create_app

    project = tmp_path / "project"
    project.mkdir()
    (project / "Makefile").write_text("local:\n\t@echo planqa-step build\n\tsleep 120\n", encoding="utf-8")
    settings = seed_settings.model_copy(update={"models_dir": tmp_path / "no-models", "data_dir": tmp_path / "data"})
    app = create_app(settings, service=seed_service, ui=False)
    runtime = app.state.planqa.services.runtime
    runtime.project_root = project
    with TestClient(app):
        assert runtime.prepare().state == "building"
        deadline = time.monotonic() + 10
        while runtime._process is None and time.monotonic() < deadline:
            time.sleep(0.05)
        process = runtime._process
    assert process is not None and process.wait(timeout=10) is not None
    assert runtime.wait(10).state == "failed"  # stopped, not finished: the next start begins again
