"""Skeleton validation: the fast checks agree with their plain definitions."""

from __future__ import annotations

import numpy as np
import pytest

from previz.core.skeleton import EndSite, Joint, Skeleton


def _descends(joints: list[Joint], joint: int, ancestor: int) -> bool:
    while joint > ancestor:
        joint = joints[joint].parent
    return joint == ancestor


@pytest.mark.parametrize("seed", range(40))
def test_end_site_slots_are_checked_exactly_as_defined(seed: int) -> None:
    """Random hierarchies in any parent-first order, every possible end-site slot."""
    rng = np.random.default_rng(seed)
    count = int(rng.integers(1, 12))
    joints = [Joint(f"j{i}", int(rng.integers(-1, i)) if i else -1, (0.0, 1.0, 0.0), ())
              for i in range(count)]
    for parent in range(count):
        for slot in range(count + 2):
            valid = parent < slot <= count and all(
                _descends(joints, k, parent) for k in range(parent + 1, slot)
            )
            site = (EndSite(parent, (0.0, 1.0, 0.0)),)
            if valid:
                Skeleton(tuple(joints), site, (slot,))
            else:
                with pytest.raises(ValueError, match="cannot come after"):
                    Skeleton(tuple(joints), site, (slot,))


def test_bad_names_and_channels_are_named() -> None:
    good = Joint("Hips", -1, (0.0, 0.0, 0.0), ("Xrotation",))
    with pytest.raises(ValueError, match=r"'a {b' cannot be written"):
        Skeleton((good, Joint("a {b", 0, (0.0, 0.0, 0.0), ())))
    with pytest.raises(ValueError, match="'Hips' is used twice"):
        Skeleton((good, Joint("Hips", 0, (0.0, 0.0, 0.0), ())))
    with pytest.raises(ValueError, match="joint 'B' has unknown channel 'Wrotation'"):
        Skeleton((good, Joint("B", 0, (0.0, 0.0, 0.0), ("Wrotation",))))
    with pytest.raises(ValueError, match="joint 'C' lists channel Xrotation twice"):
        Skeleton((good, Joint("C", 0, (0.0, 0.0, 0.0), ("Xrotation", "Xrotation"))))


def test_names_are_checked_together_as_the_exact_rule_checks_each() -> None:
    """The all-at-once name check never passes a set the per-name rule rejects."""
    from previz.core.skeleton import _WRITABLE_NAME, _all_writable

    rng = np.random.default_rng(7)
    pieces = ["a", "b", "é", " ", " ", "\t", "\n", "\r", "{", "}", "\u00a0", "\u200b", "\x00"]
    accepted = 0
    for _ in range(20000):
        names = ["".join(rng.choice(pieces, size=int(rng.integers(0, 5))))
                 for _ in range(int(rng.integers(1, 4)))]
        exact = all(_WRITABLE_NAME.fullmatch(name) for name in names)
        if _all_writable(names):
            assert exact, names
            accepted += 1
    assert accepted > 100  # the fast check does pass ordinary names


@pytest.mark.parametrize("name", ["a\nb", "a\tb", "a  b", " a", "a ", "", "a\u00a0b"])
def test_names_with_other_whitespace_cannot_be_written(name: str) -> None:
    good = Joint("Hips", -1, (0.0, 0.0, 0.0), ("Xrotation",))
    with pytest.raises(ValueError, match="cannot be written"):
        Skeleton((good, Joint(name, 0, (0.0, 0.0, 0.0), ())))


def test_printable_oddities_take_the_exact_check() -> None:
    """A zero-width space is not whitespace: the name is fine, though not printable."""
    skeleton = Skeleton((Joint("Hips\u200b", -1, (0.0, 0.0, 0.0), ("Xrotation",)),))
    assert skeleton.names == ("Hips\u200b",)
