"""Trained models kept under `var/models`: read back by type, written atomically (processes
that start together never read half a file)."""

from __future__ import annotations

import logging
import os
import pickle
from collections.abc import Callable
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


def kept_or_trained(path: Path, kind: type[T], train: Callable[[], T | None], what: str,
                    stale: str) -> T | None:
    """The `kind` kept at `path`, else `train()`'s (None: nothing to train from), kept there;
    then the files of the same folder matching the glob `stale` other than `path` (models
    of earlier keys: trained from data or code this one replaces, never read again) are
    deleted. A model that cannot be kept is still returned (logged)."""
    cached = read_model(path, kind)
    if cached is not None:
        return cached
    # Said aloud: a server that trains here holds up what waits for the model (a chat's
    # screening) for minutes; `make models` (`dasan text train-crisis`, ...) trains beforehand.
    log.warning("no %s kept at %s for this code and data: training it now", what, path)
    model = train()
    if model is None:
        return None
    try:
        keep_model(model, path)
    except OSError:
        log.warning("could not keep the %s in %s", what, path)
        return model
    for old in path.parent.glob(stale):
        if old != path:
            old.unlink(missing_ok=True)
    return model
