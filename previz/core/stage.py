"""The stage frame and the conversions into it.

The stage is right-handed, **Z up**, in metres, with the floor at z = 0. Sources
that are Y-up (BVH, glTF, OBJ, Maya, Nuke) map into it by +90° about X:
``(x, y, z)_yup → (x, −z, y)_stage``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from previz.core.rotation import axis_rotation

__all__ = [
    "LENGTH_UNITS",
    "UP_AXES",
    "Y_UP_TO_STAGE",
    "UnitGuess",
    "check_up_axis",
    "guess_length_unit",
    "source_to_stage",
]

#: +90° about X: takes Y-up coordinates to the Z-up stage.
Y_UP_TO_STAGE: NDArray[np.float64] = np.array(
    [[1.0, 0.0, 0.0], [0.0, 0.0, -1.0], [0.0, 1.0, 0.0]]
)

#: Up axes a source may declare, with the matrix that takes it to the stage.
UP_AXES: dict[str, NDArray[np.float64]] = {"y": Y_UP_TO_STAGE, "z": np.eye(3)}

#: Length units by name, in metres per unit.
LENGTH_UNITS: dict[str, float] = {
    "mm": 0.001,
    "cm": 0.01,
    "dm": 0.1,
    "m": 1.0,
    "in": 0.0254,
    "ft": 0.3048,
}

_UNIT_WORDS = {
    "mm": "millimetres",
    "cm": "centimetres",
    "dm": "decimetres",
    "m": "metres",
    "in": "inches",
    "ft": "feet",
}

# The height a standing adult skeleton is scaled to when no unit fits.
_TYPICAL_HEIGHT_M = 1.75
# Heights (metres) a person in a rest pose plausibly measures.
_HUMAN_HEIGHTS_M = (1.0, 2.3)


def check_up_axis(up_axis: str) -> str:
    """Return an up-axis name in lower case, checked against :data:`UP_AXES`.

    Raises
    ------
    ValueError
        If ``up_axis`` is not one of :data:`UP_AXES`.
    """
    name = up_axis.lower()
    if name not in UP_AXES:
        raise ValueError(f"up axis {up_axis!r} is not one of {', '.join(UP_AXES)}")
    return name


def source_to_stage(up_axis: str, heading_deg: float = 0.0) -> NDArray[np.float64]:
    """Return the rotation from a source's axes to the stage, then turned by a heading.

    Parameters
    ----------
    up_axis : str
        ``"y"`` or ``"z"``: the axis that points up in the source.
    heading_deg : float
        Counter-clockwise turn about the stage Z axis seen from above, in degrees.

    Returns
    -------
    numpy.ndarray, shape (3, 3)

    Raises
    ------
    ValueError
        If ``up_axis`` is not one of :data:`UP_AXES`.
    """
    base = UP_AXES[check_up_axis(up_axis)]
    if heading_deg == 0.0:
        return base.copy()
    return axis_rotation("Z", heading_deg) @ base


@dataclass(frozen=True)
class UnitGuess:
    """A guess of the length unit a skeleton was written in.

    Attributes
    ----------
    unit : str or None
        Name from :data:`LENGTH_UNITS`, or None when no standard unit gives a
        human-sized skeleton.
    scale : float
        Metres per source unit to use.
    height_m : float
        The skeleton's height in metres at that scale.
    height : float
        The skeleton's height in source units, as measured.
    """

    unit: str | None
    scale: float
    height_m: float
    height: float

    @property
    def reason(self) -> str:
        """One sentence saying why."""
        if not math.isfinite(self.height) or self.height <= 0:
            return "the skeleton has no height; no scale suggested"
        if self.unit is None:
            return (
                f"no standard unit makes a {self.height:.4g}-unit skeleton human-sized; "
                f"scaled to {_TYPICAL_HEIGHT_M} m"
            )
        return (
            f"a {self.height:.4g}-unit skeleton is {self.height_m:.2f} m tall in "
            f"{_UNIT_WORDS[self.unit]}"
        )


def guess_length_unit(height: float) -> UnitGuess:
    """Guess the unit of a human skeleton from its rest-pose height.

    The unit whose metres make the height closest (in ratio) to 1.75 m wins when
    the result lies within 1.0–2.3 m; otherwise the scale that makes the skeleton
    1.75 m tall is suggested.

    Parameters
    ----------
    height : float
        Rest-pose height in source units.

    Returns
    -------
    UnitGuess
    """
    if not math.isfinite(height) or height <= 0:
        return UnitGuess(None, 1.0, height, height)
    low, high = _HUMAN_HEIGHTS_M
    fits = [
        (abs(math.log(height * metres / _TYPICAL_HEIGHT_M)), name, metres)
        for name, metres in LENGTH_UNITS.items()
        if low <= height * metres <= high
    ]
    if fits:
        _, name, metres = min(fits)
        return UnitGuess(name, metres, height * metres, height)
    return UnitGuess(None, _TYPICAL_HEIGHT_M / height, _TYPICAL_HEIGHT_M, height)
