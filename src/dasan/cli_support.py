"""What every `dasan` command group shares: the way a bad input ends a command."""

from __future__ import annotations

import typer


def fail(message: str) -> typer.Exit:
    """Print `error: message` to stderr; the caller raises the returned exit (code 2)."""
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    return typer.Exit(code=2)
