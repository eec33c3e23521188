"""Before and after: aligned, and a change counts only when it is larger than retakes produce."""

from __future__ import annotations

import pytest

from lasercare.imaging import Comparison, analyse_array, compare
from lasercare.imaging.synthetic import SKIN_BY_CATEGORY, PortraitSpec, Pose, render


def _compare(before: PortraitSpec, after: PortraitSpec) -> Comparison:
    return compare(analyse_array(render(before).rgb), analyse_array(render(after).rgb))


def test_a_retake_shows_no_real_change() -> None:
    skin = SKIN_BY_CATEGORY["intermediate"]
    before = PortraitSpec(skin, chart=True)
    after = PortraitSpec(skin, chart=True, exposure=1.04, pose=Pose(9, -6, 1.5), noise_seed=5)
    comparison = _compare(before, after)
    assert comparison.registration.method == "ORB features"
    assert not [c.metric for c in comparison.changes if c.exceeds_retake_variation]


def test_registration_recovers_the_shift_and_rotation() -> None:
    skin = SKIN_BY_CATEGORY["tan"]
    comparison = _compare(PortraitSpec(skin), PortraitSpec(skin, pose=Pose(15, -10, 3.0), noise_seed=2))
    registration = comparison.registration
    assert registration.rotation_deg == pytest.approx(-3.0, abs=0.3)  # after -> before undoes the turn
    assert registration.scale == pytest.approx(1.0, abs=0.01)
    assert registration.common_skin_fraction > 0.9


def test_fewer_spots_and_no_redness_after_treatment_are_real_changes() -> None:
    skin = SKIN_BY_CATEGORY["brown"]
    before = PortraitSpec(skin, chart=True, spot_count=16)
    after = PortraitSpec(skin, chart=True, spot_count=16, red_patch=False, spot_radius=4.0, noise_seed=3)
    changes = {c.metric: c for c in _compare(before, after).changes}
    assert changes["spots.area_fraction"].exceeds_retake_variation
    assert changes["spots.area_fraction"].change is not None and changes["spots.area_fraction"].change < 0
    assert changes["redness.area_fraction"].exceeds_retake_variation
    assert not changes["ita_deg"].exceeds_retake_variation
