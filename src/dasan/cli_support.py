"""What every `dasan` command group shares: the way a bad input ends a command."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

import typer


def fail(message: str) -> typer.Exit:
    """Print `error: message` to stderr; the caller raises the returned exit (code 2)."""
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    return typer.Exit(code=2)


def lazy_module(name: str) -> ModuleType:
    """`name`, imported on first attribute access: `dasan --help` must not pay for sklearn,
    duckdb, ortools or matplotlib that only some commands use.

    Only for Dasan's own modules (which import their libraries for real when they run): a
    third-party package loaded this way, numpy for one, is half-initialised when its C parts
    are imported, and a later scikit-learn import failed on it ("numpy._core has no attribute
    _multiarray_umath")."""
    if not name.startswith("dasan."):
        raise ValueError(f"lazy_module is for dasan modules, not {name!r}")
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ImportError(name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module
