"""Anonymous Bank records: parsing, fitting and the held-out validation of the simulator."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from dasan.errors import DomainError
from dasan.workforce import bankdata


@pytest.fixture(scope="module")
def bank_dir(shared_data: Path) -> Path:
    path = shared_data / "anonymous-bank-callcenter"
    if not (path / bankdata.FILE_NAME).exists():
        pytest.skip("Anonymous Bank records absent")
    return path


def test_parse_counts_match_the_provenance_notes(bank_dir: Path) -> None:
    calls = bankdata.load(bank_dir)
    # 33,344 rows: 278 PHANTOM, 1,941 hang-ups in the VRU, the rest reached the agents' queue.
    assert calls.phantom == 278
    assert calls.vru_abandoned == 1941
    assert calls.size == 33344 - 278 - 1941
    assert int(calls.answered.sum()) == 27162
    assert int((~calls.answered).sum()) == 5904 - 1941
    assert len(calls.days()) == 28


def test_fit_service_patience_and_staff(bank_dir: Path) -> None:
    calls = bankdata.load(bank_dir)
    f = bankdata.fit(calls)
    assert len(f.days) == 20  # Sunday-Thursday in February 1999
    assert 170 < f.service_mean < 190  # PROVENANCE: mean 176.9 s over AGENT calls
    assert f.service_cv > 1.0  # heavier than exponential
    assert 60 < f.patience_mean < 1200
    assert np.all(np.diff(f.km_survival) <= 0) and 0 <= f.km_survival[-1] < f.km_survival[0] < 1
    agents = f.to_dict()["mean_agents_by_hour"]
    assert max(agents) < 15 and agents[3] == 0  # about 8 regular agents, closed at night


def test_kaplan_meier_on_a_known_case() -> None:
    wait = np.array([1.0, 2.0, 2.0, 3.0, 4.0])
    abandoned = np.array([True, False, True, True, False])
    times, surv = bankdata.kaplan_meier(wait, abandoned)
    assert list(times) == [1.0, 2.0, 3.0]
    assert surv == pytest.approx([4 / 5, 4 / 5 * 3 / 4, 4 / 5 * 3 / 4 * 1 / 2])


def test_simulated_waits_and_abandonment_follow_the_observed_ones(bank_dir: Path) -> None:
    v = bankdata.validate(bank_dir, replications=2, seed=1)
    assert len(v.test_days) == 10 and not set(v.test_days) & set(v.train_days)
    assert abs(v.abandon_overall_simulated - v.abandon_overall_observed) < 0.03
    assert v.wait_rel_error < 0.25
    assert v.abandon_mae < 8.0  # percentage points per hour
    busy = [h for h in v.hours if h.observed_calls > 80]
    assert len(busy) >= 8


def test_bad_inputs(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not found"):
        bankdata.load(tmp_path)
    bad = tmp_path / bankdata.FILE_NAME
    bad.write_text("a\tb\r\n1\t2\r\n")
    with pytest.raises(ValueError, match="header"):
        bankdata.load(tmp_path)
    with pytest.raises(DomainError):
        bankdata.validate(tmp_path, replications=0)
