"""Unit tests of dasan.text run the abuse screen on its rules unless a test asks for a model."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from dasan.text import abuse_model


@pytest.fixture(autouse=True)
def rules_only() -> Iterator[None]:
    saved = (abuse_model._clf, abuse_model._loaded)
    abuse_model.set_classifier(None)
    yield
    abuse_model._clf, abuse_model._loaded = saved
