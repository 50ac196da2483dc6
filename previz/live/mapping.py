"""OSC messages → :class:`~previz.live.reading.Reading`, as a device profile says.

:class:`OscMapper` compiles a profile's address mappings once: exact addresses
go in a dict, wildcard patterns (``/*/arkitposition``) are matched segment by
segment and the result is cached, so a message costs one dict lookup and a few
float operations. Values are checked (count, type, finite) and converted to
stage axes and metres here; a bad message raises
:class:`~previz.errors.ProtocolError`, which the receiver counts.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from previz.errors import ProtocolError
from previz.live.fastquat import Quat, euler_to_quat, remap_rotation
from previz.live.profile import DeviceProfile, OscMapping, axis_matrix
from previz.live.reading import Reading

__all__ = ["OscMapper", "signed_axes"]

_Apply = Callable[[Sequence[Any], Reading], None]
_CACHE_LIMIT = 4096
#: Farthest a tracked camera may be from the stage origin, metres (beyond: "range").
STAGE_LIMIT_M = 1.0e4
_INT64 = (-(1 << 63), 1 << 63)


def signed_axes(axes: tuple[str, str, str]) -> tuple[tuple[int, float], ...]:
    """Return, per previz axis, the (device axis index, sign) an axis remap names."""
    matrix = axis_matrix(axes)
    result = []
    for row in matrix:
        index = int(abs(row).argmax())
        result.append((index, float(row[index])))
    return tuple(result)


def _numbers(address: str, params: Sequence[Any], picks: tuple[int, ...]) -> list[float]:
    try:
        values = [params[i] for i in picks]
    except IndexError:
        raise ProtocolError(
            f"{address}: expected at least {max(picks) + 1} arguments, found {len(params)}"
        ) from None
    out = []
    for value in values:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ProtocolError(f"{address}: expected numbers, found {value!r}")
        number = float(value)
        if not math.isfinite(number):
            raise ProtocolError(f"{address}: {value!r} is not a finite number", "range")
        out.append(number)
    return out


def _check_reach(address: str, values: Sequence[float]) -> None:
    if max(values) > STAGE_LIMIT_M or min(values) < -STAGE_LIMIT_M:
        raise ProtocolError(
            f"{address}: position beyond {STAGE_LIMIT_M:g} m from the stage origin", "range"
        )


def _sample_id(address: str, params: Sequence[Any], pick: int) -> int:
    """A sample id: an integer argument as it is, or a whole finite float, within 64 bits."""
    if pick >= len(params):
        raise ProtocolError(f"{address}: expected at least {pick + 1} arguments, "
                            f"found {len(params)}")
    value = params[pick]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ProtocolError(f"{address}: expected a sample number, found {value!r}")
    if isinstance(value, float):
        if not (math.isfinite(value) and value.is_integer()):
            raise ProtocolError(f"{address}: sample id {value!r} is not a whole number", "range")
        value = int(value)
    if not _INT64[0] <= value < _INT64[1]:
        raise ProtocolError(f"{address}: sample id {value} does not fit 64 bits", "range")
    return value


class OscMapper:
    """Apply a profile's OSC mappings to messages.

    Parameters
    ----------
    profile : DeviceProfile
        An ``osc`` profile.
    """

    def __init__(self, profile: DeviceProfile) -> None:
        self.profile = profile
        self._stage = signed_axes(profile.axes)
        self._camera = signed_axes(profile.camera_axes)
        self._exact: dict[str, list[_Apply]] = {}
        self._patterns: list[tuple[list[str], _Apply]] = []
        self._cache: dict[str, list[_Apply]] = {}
        for mapping in profile.mappings:
            apply = self._compile(mapping)
            if mapping.is_pattern:
                self._patterns.append((mapping.address.split("/"), apply))
            else:
                self._exact.setdefault(mapping.address, []).append(apply)

    def handlers(self, address: str) -> list[_Apply]:
        """Return the compiled handlers for an address (empty when unmapped)."""
        found = self._exact.get(address)
        if found is not None:
            return found
        found = self._cache.get(address)
        if found is not None:
            return found
        parts = address.split("/")
        found = [
            apply for pattern, apply in self._patterns
            if len(pattern) == len(parts)
            and all(p == "*" or p == q for p, q in zip(pattern, parts, strict=True))
        ]
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[address] = found
        return found

    def apply(self, address: str, params: Sequence[Any], reading: Reading) -> bool:
        """Apply one message to ``reading``; return False when its address is not mapped.

        Raises
        ------
        ProtocolError
            When the message's arguments are not what the mapping expects.
        """
        handlers = self.handlers(address)
        for handler in handlers:
            handler(params, reading)
        return bool(handlers)

    # ------------------------------------------------------------ compiling
    def _compile(self, mapping: OscMapping) -> _Apply:
        channel = mapping.channel
        picks = mapping.args if mapping.args is not None else tuple(range(mapping.arg_count))
        address = mapping.address
        unit = self.profile.length_unit
        stage = self._stage

        if channel == "position":
            def position(params: Sequence[Any], reading: Reading) -> None:
                device = _numbers(address, params, picks)
                stage_position = tuple(sign * unit * device[index] for index, sign in stage)
                _check_reach(address, stage_position)
                reading.position = stage_position  # type: ignore[assignment]
            return position

        if channel.startswith("position."):
            # One device axis: lands on the stage axis the remap sends it to.
            device_axis = "xyz".index(channel[-1])
            target = next(i for i, (index, _) in enumerate(stage) if index == device_axis)
            sign = stage[target][1]

            def position_axis(params: Sequence[Any], reading: Reading) -> None:
                value = sign * unit * _numbers(address, params, picks)[0]
                _check_reach(address, (value,))
                current = list(reading.position or (math.nan, math.nan, math.nan))
                current[target] = value
                reading.position = tuple(current)  # type: ignore[assignment]
            return position_axis

        if channel == "quaternion":
            order = mapping.order or "xyzw"
            slots = tuple(order.index(c) for c in "xyzw")

            def quaternion(params: Sequence[Any], reading: Reading) -> None:
                raw = _numbers(address, params, picks)
                q: Quat = (raw[slots[0]], raw[slots[1]], raw[slots[2]], raw[slots[3]])
                norm = math.sqrt(sum(c * c for c in q))
                if not 0.5 < norm < 2.0:
                    raise ProtocolError(
                        f"{address}: quaternion length {norm:g} is not close to 1", "range"
                    )
                reading.orientation = remap_rotation(q, stage, self._camera)
            return quaternion

        if channel == "euler":
            order = mapping.order or "ZXY"
            degrees = mapping.degrees

            def euler(params: Sequence[Any], reading: Reading) -> None:
                angles = _numbers(address, params, picks)
                q = euler_to_quat((angles[0], angles[1], angles[2]), order, degrees=degrees)
                reading.orientation = remap_rotation(q, stage, self._camera)
            return euler

        if channel in ("focal", "focus", "iris", "zoom", "focus_encoder", "iris_encoder"):
            return self._compile_lens(mapping, picks)

        if channel == "sample_id":
            def sample_id(params: Sequence[Any], reading: Reading) -> None:
                reading.sample_id = _sample_id(address, params, picks[0])
            return sample_id

        if channel == "record":
            toggle = mapping.mode == "toggle"

            def record(params: Sequence[Any], reading: Reading) -> None:
                value = _numbers(address, params, picks)[0] if params else 1.0
                if toggle:
                    if value > 0.5:
                        reading.triggers.append(("record", None))
                else:
                    reading.triggers.append(("record", value))
            return record

        if channel == "mark":
            def mark(params: Sequence[Any], reading: Reading) -> None:
                if not params or not isinstance(params[0], (int, float)) or params[0] > 0.5:
                    reading.triggers.append(("mark", None))
            return mark

        def slate(params: Sequence[Any], reading: Reading) -> None:
            if not params:
                raise ProtocolError(f"{address}: expected a slate name")
            name = str(params[0]).strip()
            if not name or len(name) > 64 or not name.isprintable():
                raise ProtocolError(f"{address}: a slate name is 1-64 printable characters")
            reading.triggers.append(("slate", name))
        return slate

    def _compile_lens(self, mapping: OscMapping, picks: tuple[int, ...]) -> _Apply:
        channel, address = mapping.channel, mapping.address
        table = self.profile.table(mapping.table)
        field = {
            "focal": "focal_mm", "focus": "focus_m", "iris": "f_stop",
            "zoom": "zoom_raw", "focus_encoder": "focus_raw", "iris_encoder": "iris_raw",
        }[channel]
        physical = {"zoom": "focal_mm", "focus_encoder": "focus_m", "iris_encoder": "f_stop"}

        def lens(params: Sequence[Any], reading: Reading) -> None:
            value = _numbers(address, params, picks)[0]
            if field in ("focal_mm", "focus_m", "f_stop"):
                if value <= 0:
                    raise ProtocolError(f"{address}: {channel} must be positive", "range")
                setattr(reading, field, value)
                return
            setattr(reading, field, value)
            if table is not None:
                setattr(reading, physical[channel], table(value))
        return lens
