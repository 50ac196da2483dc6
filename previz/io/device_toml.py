"""Device profiles as TOML (``schema = "previz.device/1"``), validated on load.

Profiles live in the built-in ``devices/`` folder and in the folders listed in
``PREVIZ_DEVICE_PATH``; a profile is named by its ``name`` key, or given as a
path to a ``.toml`` file. Every problem names the file and the key path::

    devices/zigsim.toml: osc[1].channel: 'quat' is not one of position, …

The layout (every key but ``schema``, ``name`` and ``protocol`` optional)::

    schema = "previz.device/1"
    name = "zigsim"
    protocol = "osc"            # osc | freed | opentrackio
    description = "…"
    port = 50000
    axes = ["x", "-z", "y"]     # stage x, y, z in device axes
    camera_axes = ["x", "-z", "y"]
    length_unit = "m"           # or metres per unit as a number

    [[osc]]
    address = "/*/arkitposition"
    channel = "position"        # see previz.live.profile.CHANNELS
    args = [0, 1, 2]            # optional argument picks
    order = "xyzw"              # quaternion component order / Euler axis order
    table = "zoom"              # encoder table for zoom/focus_encoder/iris_encoder
    degrees = true              # Euler angle unit
    mode = "level"              # record trigger: level | toggle

    [lens]                      # values until the device sends its own
    focal_mm = 35.0
    focus_m = 3.0               # or "inf"
    f_stop = 2.8

    [tables.zoom]               # encoder → mm (focus → m, iris → f-stop)
    input = [0.0, 1.0]
    output = [24.0, 70.0]

    [calibration]
    origin = [0.0, 0.0, 0.0]
    heading = 0.0
    scale = 1.0

    [filter.position]           # One Euro
    min_cutoff = 1.0
    beta = 0.5
    d_cutoff = 1.0
    enabled = true
"""

from __future__ import annotations

import math
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from previz.core.one_euro import OneEuroSettings
from previz.errors import DataFileError, InputError
from previz.io.datafiles import Table, builtin_data_folder, data_folders, read_toml
from previz.live.profile import (
    CHANNELS,
    PROTOCOLS,
    Calibration,
    DeviceProfile,
    EncoderTable,
    FilterSettings,
    OscMapping,
    axis_matrix,
)

__all__ = [
    "DEVICE_SCHEMA",
    "builtin_device_folder",
    "device_folders",
    "find_device",
    "load_devices",
    "read_device_file",
]

DEVICE_SCHEMA = "previz.device/1"
_UNITS = {"m": 1.0, "cm": 0.01, "mm": 0.001, "in": 0.0254, "ft": 0.3048}
_TOP_KEYS = ("schema", "name", "protocol", "description", "port", "axes", "camera_axes",
             "length_unit", "osc", "lens", "tables", "calibration", "filter", "camera_id",
             "source_number")
_ENCODER_CHANNELS = ("zoom", "focus_encoder", "iris_encoder")


def _axes(table: Table, key: str) -> tuple[str, str, str]:
    value = table.texts(key, ("x", "y", "z"))
    if len(value) != 3:
        raise table.error(key, f"expected three axes like [\"x\", \"-z\", \"y\"], found {value!r}")
    try:
        axis_matrix(value)
    except ValueError as error:
        raise table.error(key, str(error)) from None
    return value  # type: ignore[no-any-return]


def _length_unit(table: Table) -> float:
    value = table.data.get("length_unit", "m")
    if isinstance(value, str):
        if value not in _UNITS:
            raise table.error("length_unit", f"{value!r} is not one of {', '.join(_UNITS)} "
                              "(or a number of metres per unit)")
        return _UNITS[value]
    return float(table.number("length_unit"))


def _mapping(table: Table) -> OscMapping:
    table.only("address", "channel", "args", "order", "table", "degrees", "mode")
    address = table.text("address")
    if not address.startswith("/") or " " in address:
        raise table.error("address", f"an OSC address starts with '/' and has no spaces, "
                          f"found {address!r}")
    channel = table.choice("channel", tuple(CHANNELS))
    args = table.integers("args", None)
    if args is not None and (len(args) != CHANNELS[channel] or any(a < 0 for a in args)):
        raise table.error("args", f"channel {channel!r} takes {CHANNELS[channel]} argument "
                          f"indexes (0-based), found {list(args)!r}")
    order = table.text("order", "")
    if channel == "quaternion":
        order = order or "xyzw"
        if sorted(order) != sorted("xyzw"):
            raise table.error("order", f"expected the letters x, y, z, w in the device's order "
                              f"(xyzw or wxyz), found {order!r}")
    elif channel == "euler":
        order = (order or "ZXY").upper()
        if len(order) != 3 or any(c not in "XYZ" for c in order) or order[0] == order[1] \
                or order[1] == order[2]:
            raise table.error("order", f"expected an Euler order like ZXY, found {order!r}")
    elif order:
        raise table.error("order", f"only quaternion and euler channels take an order, "
                          f"not {channel!r}")
    name = table.text("table", None)
    if name is not None and channel not in _ENCODER_CHANNELS:
        raise table.error("table", f"only {', '.join(_ENCODER_CHANNELS)} channels use a table")
    mode = table.choice("mode", ("level", "toggle"), "level")
    degrees = table.data.get("degrees", True)
    if not isinstance(degrees, bool):
        raise table.error("degrees", f"expected true or false, found {degrees!r}")
    return OscMapping(address, channel, args, order, name, degrees, mode)


def _encoder_table(table: Table, name: str) -> EncoderTable:
    table.only("input", "output")
    inputs, outputs = table.data.get("input"), table.data.get("output")
    if name == "focus" and isinstance(outputs, list):
        outputs = [math.inf if v == "inf" else v for v in outputs]
    for key, values in (("input", inputs), ("output", outputs)):
        if not isinstance(values, list) or len(values) < 2 or not all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in values
        ):
            extra = ' (a focus table may end with "inf")' if name == "focus" else ""
            raise table.error(key, f"expected a list of two or more numbers{extra}")
    try:
        return EncoderTable(tuple(map(float, inputs)), tuple(map(float, outputs)),  # type: ignore[arg-type]
                            in_diopters=name == "focus")
    except ValueError as error:
        raise table.error("input", str(error)) from None


def _one_euro(table: Table | None, default: OneEuroSettings) -> OneEuroSettings:
    if table is None:
        return default
    table.only("min_cutoff", "beta", "d_cutoff", "enabled")
    enabled = table.data.get("enabled", default.enabled)
    if not isinstance(enabled, bool):
        raise table.error("enabled", f"expected true or false, found {enabled!r}")
    return OneEuroSettings(
        table.number("min_cutoff", default.min_cutoff),
        table.number("beta", default.beta, positive=False),
        table.number("d_cutoff", default.d_cutoff),
        enabled,
    )


def _lens(table: Table | None) -> dict[str, float]:
    if table is None:
        return {}
    table.only("focal_mm", "focus_m", "f_stop")
    values: dict[str, float] = {}
    if "focal_mm" in table.data:
        values["focal_mm"] = table.number("focal_mm")
    if "focus_m" in table.data:
        focus = table.data["focus_m"]
        values["focus_m"] = math.inf if focus == "inf" else table.number("focus_m")
    if "f_stop" in table.data:
        values["f_stop"] = table.number("f_stop")
    return values


def profile_from_data(data: dict[str, Any], path: str) -> DeviceProfile:
    """Build a profile from parsed TOML (``path`` names it in messages)."""
    top = Table(data, path)
    top.only(*_TOP_KEYS)
    schema = top.text("schema")
    if schema != DEVICE_SCHEMA:
        raise top.error("schema", f"expected {DEVICE_SCHEMA!r}, found {schema!r}")
    protocol = top.choice("protocol", PROTOCOLS)
    mappings = tuple(_mapping(t) for t in top.tables("osc", optional=True))
    if protocol == "osc" and not mappings:
        raise top.error("osc", "an osc profile needs one or more [[osc]] mappings")
    if protocol != "osc" and mappings:
        raise top.error("osc", f"a {protocol} profile takes no [[osc]] mappings")
    tables_table = top.table("tables", None)
    tables: dict[str, EncoderTable] = {}
    if tables_table is not None:
        for name in tables_table.data:
            tables[name] = _encoder_table(tables_table.table(name), name)
    for index, mapping in enumerate(mappings):
        if mapping.table is not None and mapping.table not in tables:
            raise top.error(f"osc[{index}].table", f"no table {mapping.table!r}; defined: "
                            f"{', '.join(tables) or 'none'}")
    calibration_table = top.table("calibration", None)
    calibration = Calibration()
    if calibration_table is not None:
        calibration_table.only("origin", "heading", "scale")
        calibration = Calibration(
            calibration_table.vector("origin", 3, (0.0, 0.0, 0.0)),
            calibration_table.number("heading", 0.0, positive=False),
            calibration_table.number("scale", 1.0),
        )
    filter_table = top.table("filter", None)
    defaults = FilterSettings()
    if filter_table is not None:
        filter_table.only("position", "rotation")
        filters = FilterSettings(
            _one_euro(filter_table.table("position", None), defaults.position),
            _one_euro(filter_table.table("rotation", None), defaults.rotation),
        )
    else:
        filters = defaults
    port = top.integer("port", 9000, minimum=1)
    if port > 65535:
        raise top.error("port", f"expected 1-65535, found {port}")
    source = top.integer("source_number", None, minimum=1)
    if source is not None and source > 200:
        raise top.error("source_number", f"OpenTrackIO source numbers are 1-200, found {source}")
    axes, camera_axes = _axes(top, "axes"), _axes(top, "camera_axes")
    try:
        return DeviceProfile(
            name=top.text("name"),
            protocol=protocol,
            description=top.text("description", ""),
            port=port,
            mappings=mappings,
            axes=axes,
            camera_axes=camera_axes,
            length_unit=_length_unit(top),
            tables=tables,
            calibration=calibration,
            filter=filters,
            camera_id=top.integer("camera_id", None, minimum=0),
            source_number=source,
            path=path,
            **_lens(top.table("lens", None)),
        )
    except ValueError as error:
        raise top.error("camera_axes", str(error)) from None


def read_device_file(path: str | os.PathLike[str]) -> DeviceProfile:
    """Read and validate one device profile file."""
    return profile_from_data(read_toml(path), os.fspath(path))


def builtin_device_folder() -> Path | None:
    """The ``devices/`` folder shipped with previz."""
    return builtin_data_folder("devices")


def device_folders() -> list[Path]:
    """``PREVIZ_DEVICE_PATH`` folders, then the built-in one."""
    return data_folders("devices", "PREVIZ_DEVICE_PATH")


def load_devices(folders: tuple[Path, ...] | None = None) -> dict[str, DeviceProfile]:
    """Every profile under the device folders, by name (first folder wins)."""
    return dict(_load(tuple(device_folders()) if folders is None else tuple(folders)))


@lru_cache(maxsize=8)
def _load(folders: tuple[Path, ...]) -> tuple[tuple[str, DeviceProfile], ...]:
    found: dict[str, DeviceProfile] = {}
    for folder in folders:
        seen: dict[str, Path] = {}
        for path in sorted(folder.glob("*.toml")):
            profile = read_device_file(path)
            if profile.name in seen:
                raise DataFileError(f"{path}: name: {profile.name!r} is already used by "
                                    f"{seen[profile.name]}")
            seen[profile.name] = path
            found.setdefault(profile.name, profile)
    return tuple(found.items())


def find_device(spec: str) -> DeviceProfile:
    """Return the profile a ``--device`` value names: a profile name or a ``.toml`` path.

    Raises
    ------
    InputError
        Naming the value and the profiles there are.
    """
    if spec.endswith(".toml") or os.sep in spec:
        return read_device_file(spec)
    devices = load_devices()
    if spec not in devices:
        raise InputError(f"--device {spec!r}: no such device profile; known: "
                         f"{', '.join(sorted(devices))} (or a path to a .toml file)")
    return devices[spec]
