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
    try:
        base = UP_AXES[up_axis.lower()]
    except KeyError:
        raise ValueError(f"up axis {up_axis!r} is not one of {', '.join(UP_AXES)}") from None
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
    reason : str
        One sentence saying why.
    """

    unit: str | None
    scale: float
    height_m: float
    reason: str


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
        return UnitGuess(None, 1.0, height, "the skeleton has no height; no scale suggested")
    low, high = _HUMAN_HEIGHTS_M
    fits = [
        (abs(math.log(height * metres / _TYPICAL_HEIGHT_M)), name, metres)
        for name, metres in LENGTH_UNITS.items()
        if low <= height * metres <= high
    ]
    if fits:
        _, name, metres = min(fits)
        return UnitGuess(
            name,
            metres,
            height * metres,
            f"a {height:.4g}-unit skeleton is {height * metres:.2f} m tall in {_UNIT_WORDS[name]}",
        )
    scale = _TYPICAL_HEIGHT_M / height
    return UnitGuess(
        None,
        scale,
        _TYPICAL_HEIGHT_M,
        f"no standard unit makes a {height:.4g}-unit skeleton human-sized; "
        f"scaled to {_TYPICAL_HEIGHT_M} m",
    )
