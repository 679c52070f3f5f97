"""Train the Rasa model only when its inputs changed; the fingerprint names the model file."""

from __future__ import annotations

import hashlib
import logging
import os
import subprocess
import time
from pathlib import Path

from guichet.settings import PROJECT_ROOT, Settings

log = logging.getLogger("guichet.rasa")
# the model's inputs: its configuration, the project's own pipeline components, the domain and the data
MODEL_INPUTS = ("bot/config.yml", "bot/e5_featurizer.py", "bot/e5_intent_blender.py", "bot/domain.yml", "bot/domain",
                "data")


class RasaSetupError(RuntimeError):
    pass


def rasa_environment() -> dict[str, str]:
    env = dict(os.environ)
    env["RASA_TELEMETRY_ENABLED"] = "false"
    # bot/config.yml names a component of this project (bot.e5_featurizer): importable from any script
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    return env


def rasa_executable(settings: Settings) -> Path:
    rasa = settings.rasa_venv / "bin" / "rasa"
    if not rasa.exists():
        raise RasaSetupError(f"GUICHET_RASA_VENV={settings.rasa_venv}: no rasa executable at {rasa}; "
                             "run `make install`")
    return rasa


def rasa_server_command(settings: Settings) -> list[str]:
    """``rasa`` with custom actions' results checked by a compiled schema (bot/rasa_server.py)."""
    return [str(rasa_executable(settings).with_name("python")), str(PROJECT_ROOT / "bot" / "rasa_server.py")]


def fingerprint(root: Path = PROJECT_ROOT) -> str:
    digest = hashlib.sha256()
    for name in MODEL_INPUTS:
        path = root / name
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if file.exists():
                digest.update(str(file.relative_to(root)).encode())
                digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def model_path(settings: Settings) -> Path:
    return settings.resolved_rasa_models_dir / f"guichet-{fingerprint()}.tar.gz"


def ensure_model(settings: Settings) -> Path:
    """The trained model for the current data: reused when it exists, trained (a few minutes) otherwise."""
    target = model_path(settings)
    if target.exists():
        log.info("Rasa model up to date: %s", target.name)
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    domain = PROJECT_ROOT / "bot" / "domain"
    if not domain.exists():
        domain = PROJECT_ROOT / "bot" / "domain.yml"
    command = [
        str(rasa_executable(settings)), "train", "--config", str(PROJECT_ROOT / "bot" / "config.yml"),
        "--domain", str(domain), "--data", str(PROJECT_ROOT / "data"), "--out", str(target.parent),
        "--fixed-model-name", target.name.removesuffix(".tar.gz"), "--quiet",
    ]
    print(f"Training the Rasa model (data changed): {target.name} ...", flush=True)
    started = time.monotonic()
    result = subprocess.run(command, cwd=PROJECT_ROOT, env=rasa_environment(), check=False)
    if result.returncode != 0 or not target.exists():
        raise RasaSetupError(f"rasa train failed with exit code {result.returncode}; command: {' '.join(command)}")
    print(f"Rasa model trained in {time.monotonic() - started:.0f} s", flush=True)
    return target
