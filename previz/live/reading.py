"""What one device datagram said, in stage conventions, before calibration and filtering.

Every receiver (OSC through a device profile, FreeD D1, OpenTrackIO) turns a
datagram into a :class:`Reading`; :class:`previz.live.vcam.VirtualCamera` merges
readings into the camera's state and emits samples. Fields a datagram did not
carry stay None.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["TRIGGERS", "Reading"]

#: Trigger names a reading can carry: record (value > 0.5 starts, else stops;
#: None toggles), mark (drop a mark now), slate (a new slate name for the next take).
TRIGGERS = ("record", "mark", "slate")


@dataclass(slots=True)
class Reading:
    """One datagram's worth of device state.

    Parameters
    ----------
    position : tuple of 3 float or None
        Device position, already in stage axes (Z up) and metres, before calibration.
    orientation : tuple of 4 float or None
        Camera→stage unit quaternion ``(x, y, z, w)`` (camera frame X right,
        Y forward, Z up), before calibration.
    focal_mm, focus_m, f_stop : float or None
        Lens values when the device sends them in physical units.
    zoom_raw, focus_raw, iris_raw : float or None
        Raw encoder values (counts or normalised 0–1) a profile's tables turn
        into millimetres, metres and f-stops.
    sample_id : int or None
        The device's own sequence number or sample counter, when it has one.
    device_time : float or None
        The device's timestamp for the sample (seconds), when it sends one.
    triggers : list of (str, Any)
        ``("record", 1.0)``, ``("mark", None)``, ``("slate", "A12")``, ….
    """

    position: tuple[float, float, float] | None = None
    orientation: tuple[float, float, float, float] | None = None
    focal_mm: float | None = None
    focus_m: float | None = None
    f_stop: float | None = None
    zoom_raw: float | None = None
    focus_raw: float | None = None
    iris_raw: float | None = None
    sample_id: int | None = None
    device_time: float | None = None
    triggers: list[tuple[str, Any]] = field(default_factory=list)

    @property
    def has_pose(self) -> bool:
        """True when the reading moves the camera (position or orientation)."""
        return self.position is not None or self.orientation is not None

    @property
    def has_lens(self) -> bool:
        """True when the reading changes the lens."""
        return not (
            self.focal_mm is None and self.focus_m is None and self.f_stop is None
            and self.zoom_raw is None and self.focus_raw is None and self.iris_raw is None
        )
