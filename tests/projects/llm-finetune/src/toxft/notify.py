"""Post short status messages about training runs to the team channel."""

from __future__ import annotations

from pathlib import Path

import requests
import yaml

CONFIG = Path(__file__).resolve().parents[2] / "configs" / "notify.yaml"


def post(text: str) -> None:
    settings = yaml.safe_load(CONFIG.read_text())["slack"]
    try:
        requests.post(settings["webhook_url"], json={"channel": settings["channel"], "text": text}, timeout=5)
    except requests.RequestException:
        pass  # a missed notification must never fail a training run
