"""Modal's naming rules: how a long label is cut short."""

from __future__ import annotations

from tools.core.registry.modal_names import truncates

DERIVED = "nanohorizon-craftax-teacher-teacherservice-serve"


def test_a_long_label_is_cut_short_with_a_hash_and_dev_after_it() -> None:
    source = "synth-laboratories"  # 43 characters are left for the label
    assert truncates("nanohorizon-craftax-teacher-teachers-4ed4be", DERIVED, source)
    assert truncates("nanohorizon-craftax-teacher-teac-4ed4be-dev", DERIVED, source)
    assert not truncates("nanohorizon-craftax-teacher-teachers-4ed4be-dev", DERIVED, source)
    assert not truncates("nanohorizon-craftax-teacher-teac-4ed4be", DERIVED, source)
    assert not truncates("nanohorizon-craftax-teacher", DERIVED, "short")
