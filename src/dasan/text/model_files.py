"""Trained models kept under `var/models`: read back by type, written atomically (processes
that start together never read half a file)."""

from __future__ import annotations

import logging
import os
import pickle
from pathlib import Path
from typing import TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")


def read_model(path: Path, kind: type[T]) -> T | None:
    """The `kind` pickled at `path`; None when the file is absent, unreadable (logged) or holds
    something else (the caller then trains or compiles the model again)."""
    try:
        with path.open("rb") as fh:
            model = pickle.load(fh)  # noqa: S301 - our own file under var/
    except FileNotFoundError:
        return None
    except Exception:  # a stale or broken file
        log.warning("model file %s unreadable; not used", path)
        return None
    return model if isinstance(model, kind) else None


def keep_model(model: object, path: Path) -> None:
    """Pickle `model` to `path` through a temporary file of this process, then rename it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    with tmp.open("wb") as fh:
        pickle.dump(model, fh)
    tmp.replace(path)
