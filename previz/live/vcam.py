"""The live virtual camera: readings in, calibrated and filtered samples out.

:class:`VirtualCamera` keeps what the device last said (pose, lens, encoders),
applies the calibration (origin, heading, move scale), runs the One Euro
filters and emits one :class:`CameraSample` per reading that moved the camera
or its lens. The unfiltered (raw) pose is kept beside the filtered one in every
sample, so a take can always be re-filtered later.

It also watches the device's sample ids: a repeated id is a duplicate, an
older one arrived out of order (both are counted and dropped), a jump forward
counts the samples that never arrived.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from previz.core.one_euro import OneEuroFilter, QuaternionOneEuroFilter
from previz.live.fastquat import (
    Quat,
    heading_quat,
    pan_tilt_roll_from_quat,
    quat_mul,
    quat_to_matrix,
)
from previz.live.profile import Calibration, DeviceProfile
from previz.live.reading import Reading

__all__ = ["CameraSample", "SequenceCheck", "VirtualCamera"]

_NAN = math.nan
# A sample id this far behind the last one means the device restarted, not reordering.
_RESTART_GAP = 1000


@dataclass(slots=True)
class CameraSample:
    """One camera state, as recorded and shown.

    Parameters
    ----------
    received : float
        Receive time, seconds on the monotonic clock (``time.monotonic``).
    device_time : float
        The device's own timestamp (seconds), NaN when it sends none.
    sample_id : int
        The device's sample id, or the receiver's running count.
    raw_position, raw_orientation : tuple
        Calibrated, unfiltered stage position (m) and camera→stage quaternion.
    position, orientation : tuple
        The same after the One Euro filters.
    focal_mm, focus_m, f_stop : float
        Lens state.
    zoom_raw, focus_raw, iris_raw : float
        Raw encoder values, NaN when the device sends none.
    """

    received: float
    device_time: float
    sample_id: int
    raw_position: tuple[float, float, float]
    raw_orientation: Quat
    position: tuple[float, float, float]
    orientation: Quat
    focal_mm: float
    focus_m: float
    f_stop: float
    zoom_raw: float = _NAN
    focus_raw: float = _NAN
    iris_raw: float = _NAN


class SequenceCheck:
    """Classify device sample ids as new, duplicate or out of order, counting gaps."""

    def __init__(self) -> None:
        self.last: int | None = None
        self.duplicates = 0
        self.out_of_order = 0
        self.missing = 0

    def accept(self, sample_id: int | None) -> bool:
        """Return True when a sample with this id should be used."""
        if sample_id is None:
            return True
        last = self.last
        if last is None or sample_id > last:
            if last is not None:
                self.missing += sample_id - last - 1 if sample_id - last <= _RESTART_GAP else 0
            self.last = sample_id
            return True
        if sample_id == last:
            self.duplicates += 1
            return False
        if last - sample_id > _RESTART_GAP:
            self.last = sample_id
            return True
        self.out_of_order += 1
        return False


class VirtualCamera:
    """Merge device readings into calibrated, filtered camera samples.

    Parameters
    ----------
    profile : DeviceProfile
        Lens defaults, tables, calibration and filter settings.
    """

    def __init__(self, profile: DeviceProfile) -> None:
        self.profile = profile
        self.calibration = profile.calibration
        self.sequence = SequenceCheck()
        self._position_filter = OneEuroFilter(profile.filter.position, 3)
        self._rotation_filter = QuaternionOneEuroFilter(profile.filter.rotation)
        self._device_position: tuple[float, float, float] | None = None
        self._device_orientation: Quat | None = None
        self._focal = profile.focal_mm
        self._focus = profile.focus_m
        self._f_stop = profile.f_stop
        self._zoom_raw = self._focus_raw = self._iris_raw = _NAN
        self._count = 0
        self.last: CameraSample | None = None
        self._apply_calibration(self.calibration)

    # --------------------------------------------------------- calibration
    def _apply_calibration(self, calibration: Calibration) -> None:
        self.calibration = calibration
        self._heading = heading_quat(calibration.heading)
        self._heading_matrix = quat_to_matrix(self._heading)
        self._position_filter.reset()
        self._rotation_filter.reset()

    def calibrate(self, calibration: Calibration) -> None:
        """Use a new calibration from the next sample on (filters restart)."""
        self._apply_calibration(calibration)

    def set_origin_here(self, stage_point: tuple[float, float, float | None] = (0.0, 0.0, None)
                        ) -> Calibration:
        """Make the device's current position land on ``stage_point``.

        A None height keeps the camera's current height. Returns the new calibration.
        """
        if self._device_position is None:
            raise ValueError("no position from the device yet")
        current = self._stage_position(self._device_position)
        target = tuple(current[i] if v is None else float(v) for i, v in enumerate(stage_point))
        origin = tuple(
            o + t - c for o, t, c in zip(self.calibration.origin, target, current, strict=True)
        )
        calibration = replace(self.calibration, origin=origin)  # type: ignore[arg-type]
        self._apply_calibration(calibration)
        return calibration

    def zero_heading(self) -> Calibration:
        """Turn the calibration so the camera now looks along stage +Y (pan 0), staying put."""
        if self._device_orientation is None:
            raise ValueError("no orientation from the device yet")
        pan = pan_tilt_roll_from_quat(quat_mul(self._heading, self._device_orientation))[0]
        before = (
            self._stage_position(self._device_position) if self._device_position else None
        )
        calibration = replace(self.calibration, heading=self.calibration.heading - pan)
        self._apply_calibration(calibration)
        if before is not None and self._device_position is not None:
            after = self._stage_position(self._device_position)
            origin = tuple(o + b - a for o, b, a in
                           zip(calibration.origin, before, after, strict=True))
            calibration = replace(calibration, origin=origin)  # type: ignore[arg-type]
            self._apply_calibration(calibration)
        return self.calibration

    def _stage_position(self, device: tuple[float, float, float]) -> tuple[float, float, float]:
        scale = self.calibration.scale
        origin = self.calibration.origin
        m = self._heading_matrix
        x, y, z = device[0] * scale, device[1] * scale, device[2] * scale
        return (
            origin[0] + m[0][0] * x + m[0][1] * y + m[0][2] * z,
            origin[1] + m[1][0] * x + m[1][1] * y + m[1][2] * z,
            origin[2] + m[2][0] * x + m[2][1] * y + m[2][2] * z,
        )

    # ------------------------------------------------------------- samples
    def update(self, reading: Reading, received: float) -> CameraSample | None:
        """Merge a reading; return the new sample, or None when nothing moved or it was dropped.

        Parameters
        ----------
        reading : Reading
            What one datagram said.
        received : float
            Monotonic receive time, seconds.
        """
        if not self.sequence.accept(reading.sample_id):
            return None
        moved = False
        if reading.position is not None:
            position = reading.position
            x, y, z = position
            if x != x or y != y or z != z:  # NaN: single-axis messages keep the other axes
                previous = self._device_position or (0.0, 0.0, 0.0)
                position = tuple(  # type: ignore[assignment]
                    p if v != v else v for v, p in zip(position, previous, strict=True)
                )
            self._device_position = position
            moved = True
        if reading.orientation is not None:
            self._device_orientation = reading.orientation
            moved = True
        if reading.has_lens:
            self._merge_lens(reading)
            moved = True
        if not moved or (self._device_position is None and self._device_orientation is None):
            return None
        device_position = self._device_position or (0.0, 0.0, 0.0)
        device_orientation = self._device_orientation or (0.0, 0.0, 0.0, 1.0)
        raw_position = self._stage_position(device_position)
        raw_orientation = quat_mul(self._heading, device_orientation)
        position = self._position_filter(received, raw_position)
        orientation = self._rotation_filter(received, raw_orientation)
        self._count += 1
        sample = CameraSample(
            received,
            _NAN if reading.device_time is None else reading.device_time,
            self._count if reading.sample_id is None else reading.sample_id,
            raw_position,
            raw_orientation,
            position,  # type: ignore[arg-type]
            orientation,  # type: ignore[arg-type]
            self._focal,
            self._focus,
            self._f_stop,
            self._zoom_raw,
            self._focus_raw,
            self._iris_raw,
        )
        self.last = sample
        return sample

    def _merge_lens(self, reading: Reading) -> None:
        tables = self.profile.tables
        if reading.zoom_raw is not None:
            self._zoom_raw = reading.zoom_raw
            if reading.focal_mm is None and "zoom" in tables:
                self._focal = tables["zoom"](reading.zoom_raw)
        if reading.focus_raw is not None:
            self._focus_raw = reading.focus_raw
            if reading.focus_m is None and "focus" in tables:
                self._focus = tables["focus"](reading.focus_raw)
        if reading.iris_raw is not None:
            self._iris_raw = reading.iris_raw
            if reading.f_stop is None and "iris" in tables:
                self._f_stop = tables["iris"](reading.iris_raw)
        if reading.focal_mm is not None:
            self._focal = reading.focal_mm
        if reading.focus_m is not None:
            self._focus = reading.focus_m
        if reading.f_stop is not None:
            self._f_stop = reading.f_stop
