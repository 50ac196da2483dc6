"""previz data files (TOML): reading them with messages that name file and key.

Every data file carries a versioned ``schema`` (``"previz.rig/1"``, …). A
:class:`Table` wraps one parsed TOML table with its key path, so a check reads
``table.number("width_mm")`` and a failure says
``rigs/cameras/alexa.toml: modes[2].width_mm: expected a positive number, found 'wide'``.
Unknown keys are errors too (with the valid ones listed): a typo must not
silently drop a value.

This module also finds the rig library: every ``*.toml`` under the built-in
``rigs/`` folder and under each folder listed in ``PREVIZ_RIG_PATH``.
"""

from __future__ import annotations

import math
import os
import sys
import tomllib
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from previz.core.rig import CameraBody, LensKit, LensSpec, RigLibrary, SensorMode, SupportRig
from previz.errors import DataFileError, InputError

__all__ = ["Table", "builtin_rig_folder", "load_rig_library", "read_toml", "rig_folders"]

RIG_SCHEMA = "previz.rig/1"
_MISSING = object()


def read_toml(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Parse a TOML file, turning OS and syntax errors into :class:`DataFileError`."""
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise DataFileError(f"{os.fspath(path)}: no such file") from None
    except OSError as error:
        raise DataFileError(f"{os.fspath(path)}: cannot read: {error.strerror}") from None
    except tomllib.TOMLDecodeError as error:
        raise DataFileError(f"{os.fspath(path)}: not valid TOML: {error}") from None


class Table:
    """A parsed TOML table with its file and key path, for checked access.

    Parameters
    ----------
    data : dict
        The table.
    path : str
        The file it came from.
    where : str
        Key path of the table inside the file (``""`` at the top).
    """

    def __init__(self, data: dict[str, Any], path: str, where: str = "") -> None:
        self.data = data
        self.path = path
        self.where = where

    def error(self, key: str, message: str) -> DataFileError:
        """An error naming the file and the key path."""
        location = f"{self.where}.{key}" if self.where else key
        return DataFileError(f"{self.path}: {location}: {message}")

    def _get(self, key: str, default: Any) -> Any:
        if key in self.data:
            return self.data[key]
        if default is _MISSING:
            raise self.error(key, "is required")
        return default

    def text(self, key: str, default: Any = _MISSING) -> Any:
        """A string value."""
        value = self._get(key, default)
        if value is not default and not isinstance(value, str):
            raise self.error(key, f"expected text, found {value!r}")
        return value

    def number(self, key: str, default: Any = _MISSING, *, positive: bool = True) -> Any:
        """A finite number (positive unless ``positive=False``)."""
        value = self._get(key, default)
        if value is default:
            return value
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if not ok or not math.isfinite(value) or (positive and value <= 0):
            kind = "a positive number" if positive else "a number"
            raise self.error(key, f"expected {kind}, found {value!r}")
        return float(value)

    def pair(self, key: str, default: Any = _MISSING, *, integer: bool = False) -> Any:
        """Two numbers ``[low, high]`` (non-negative, increasing), or two integers."""
        value = self._get(key, default)
        if value is default:
            return value
        kind = int if integer else (int, float)
        if (
            not isinstance(value, list)
            or len(value) != 2
            or not all(isinstance(v, kind) and not isinstance(v, bool) for v in value)
            or not all(math.isfinite(v) and v >= 0 for v in value)
            or (not integer and value[0] > value[1])
        ):
            what = "two whole numbers >= 0" if integer else "[low, high] with 0 <= low <= high"
            raise self.error(key, f"expected {what}, found {value!r}")
        return (int(value[0]), int(value[1])) if integer else (float(value[0]), float(value[1]))

    def tables(self, key: str, *, optional: bool = False) -> Iterator[Table]:
        """The tables of an array of tables (``[[key]]``), each with its index in the path.

        With ``optional=True`` a missing key or an empty array gives no tables
        instead of an error.
        """
        if optional and self.data.get(key) in (None, []):
            return
        value = self._get(key, _MISSING)
        if not isinstance(value, list) or not value or not all(isinstance(v, dict) for v in value):
            raise self.error(key, f"expected one or more [[{key}]] tables")
        base = f"{self.where}.{key}" if self.where else key
        for index, item in enumerate(value):
            yield Table(item, self.path, f"{base}[{index}]")

    def integer(self, key: str, default: Any = _MISSING, *, minimum: int | None = None) -> Any:
        """A whole number (``minimum`` or more when given)."""
        value = self._get(key, default)
        if value is default:
            return value
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.error(key, f"expected a whole number, found {value!r}")
        if minimum is not None and value < minimum:
            raise self.error(key, f"expected a whole number >= {minimum}, found {value!r}")
        return int(value)

    def vector(self, key: str, length: int, default: Any = _MISSING) -> Any:
        """``length`` finite numbers, as a tuple of floats."""
        value = self._get(key, default)
        if value is default:
            return value
        if (
            not isinstance(value, list)
            or len(value) != length
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
            or not all(math.isfinite(v) for v in value)
        ):
            raise self.error(key, f"expected {length} numbers, found {value!r}")
        return tuple(float(v) for v in value)

    def texts(self, key: str, default: Any = _MISSING) -> Any:
        """A list of strings, as a tuple."""
        value = self._get(key, default)
        if value is default:
            return value
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.error(key, f"expected a list of text, found {value!r}")
        return tuple(value)

    def integers(self, key: str, default: Any = _MISSING) -> Any:
        """A list of whole numbers, as a tuple."""
        value = self._get(key, default)
        if value is default:
            return value
        if not isinstance(value, list) or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in value
        ):
            raise self.error(key, f"expected a list of whole numbers, found {value!r}")
        return tuple(int(v) for v in value)

    def choice(self, key: str, choices: tuple[str, ...], default: Any = _MISSING) -> Any:
        """A string that must be one of ``choices``."""
        value = self.text(key, default)
        if value is not default and value not in choices:
            raise self.error(key, f"{value!r} is not one of {', '.join(choices)}")
        return value

    def table(self, key: str, default: Any = _MISSING) -> Any:
        """A sub-table (``[key]``) as a :class:`Table` with its key path."""
        value = self._get(key, default)
        if value is default:
            return value
        if not isinstance(value, dict):
            raise self.error(key, f"expected a [{key}] table, found {value!r}")
        return Table(value, self.path, f"{self.where}.{key}" if self.where else key)

    def only(self, *keys: str) -> None:
        """Raise on keys this table may not have, listing those it may."""
        for key in self.data:
            if key not in keys:
                raise self.error(key, f"unknown key; valid keys: {', '.join(keys)}")


def _check_schema(table: Table, expected: str) -> None:
    schema = table.text("schema")
    if schema != expected:
        raise table.error("schema", f"expected {expected!r}, found {schema!r}")


def _camera(table: Table) -> CameraBody:
    table.only("schema", "kind", "name", "display_name", "make", "model", "default_mode",
               "source", "modes")
    modes = []
    for mode in table.tables("modes"):
        mode.only("name", "label", "width_mm", "height_mm", "photosites")
        modes.append(
            SensorMode(
                name=mode.text("name"),
                label=mode.text("label", mode.data.get("name", "")),
                width_mm=mode.number("width_mm"),
                height_mm=mode.number("height_mm"),
                photosites=mode.pair("photosites", None, integer=True),
            )
        )
    names = [m.name for m in modes]
    for index, name in enumerate(names):
        if name in names[:index]:
            raise table.error(f"modes[{index}].name", f"sensor mode {name!r} is listed twice")
    default = table.text("default_mode", names[0])
    if default not in names:
        raise table.error("default_mode", f"{default!r} is not a mode; valid: {', '.join(names)}")
    return CameraBody(
        name=table.text("name"),
        display_name=table.text("display_name", table.data.get("name", "")),
        make=table.text("make", ""),
        model=table.text("model", ""),
        modes=tuple(modes),
        default_mode=default,
        source=table.text("source", ""),
        path=table.path,
    )


def _lens_kit(table: Table) -> LensKit:
    table.only("schema", "kind", "name", "display_name", "make", "squeeze", "source", "lenses")
    lenses = []
    for lens in table.tables("lenses"):
        lens.only("name", "focal_mm", "focal_range_mm", "t_stop", "close_focus_m")
        focal = lens.number("focal_mm", None)
        zoom = lens.pair("focal_range_mm", None)
        if (focal is None) == (zoom is None):
            raise lens.error(
                "focal_mm", "give either focal_mm (a prime) or focal_range_mm (a zoom)"
            )
        if zoom is not None and zoom[0] <= 0:
            raise lens.error("focal_range_mm", f"expected positive focal lengths, found {zoom!r}")
        lenses.append(
            LensSpec(
                name=lens.text("name"),
                focal_mm=focal,
                focal_range_mm=zoom,
                t_stop=lens.number("t_stop", None),
                close_focus_m=lens.number("close_focus_m", None),
            )
        )
    return LensKit(
        name=table.text("name"),
        display_name=table.text("display_name", table.data.get("name", "")),
        make=table.text("make", ""),
        squeeze=table.number("squeeze", 1.0),
        lenses=tuple(lenses),
        source=table.text("source", ""),
        path=table.path,
    )


def _support(table: Table) -> SupportRig:
    table.only("schema", "kind", "name", "display_name", "max_speed_m_s",
               "max_acceleration_m_s2", "height_range_m", "max_pan_deg_s", "max_tilt_deg_s",
               "source", "notes")
    return SupportRig(
        name=table.text("name"),
        display_name=table.text("display_name", table.data.get("name", "")),
        max_speed_m_s=table.number("max_speed_m_s"),
        max_acceleration_m_s2=table.number("max_acceleration_m_s2"),
        height_range_m=table.pair("height_range_m"),
        max_pan_deg_s=table.number("max_pan_deg_s", None),
        max_tilt_deg_s=table.number("max_tilt_deg_s", None),
        source=table.text("source", ""),
        path=table.path,
    )


_KINDS = {"camera": _camera, "lens-kit": _lens_kit, "support": _support}


def read_rig_file(path: str | os.PathLike[str]) -> CameraBody | LensKit | SupportRig:
    """Read and check one ``previz.rig/1`` file.

    Raises
    ------
    DataFileError
        Naming the file, the key path and what was expected.
    """
    table = Table(read_toml(path), os.fspath(path))
    _check_schema(table, RIG_SCHEMA)
    kind = table.text("kind")
    if kind not in _KINDS:
        raise table.error("kind", f"unknown kind {kind!r}; valid: {', '.join(_KINDS)}")
    return _KINDS[kind](table)


def builtin_data_folder(name: str) -> Path | None:
    """A data folder shipped with previz (``rigs``, ``devices``): source tree or installed data."""
    candidates = [
        Path(__file__).resolve().parents[2] / name,
        Path(sys.prefix) / "share" / "previz" / name,
    ]
    return next((folder for folder in candidates if folder.is_dir()), None)


def data_folders(name: str, variable: str) -> list[Path]:
    """Folders listed in the environment ``variable`` (os.pathsep-separated), then the built-in one.

    Raises
    ------
    InputError
        When a listed folder does not exist.
    """
    folders = [Path(p) for p in os.environ.get(variable, "").split(os.pathsep) if p]
    for folder in folders:
        if not folder.is_dir():
            raise InputError(f"{variable}: {folder} is not a folder")
    builtin = builtin_data_folder(name)
    return folders + ([builtin] if builtin is not None else [])


def builtin_rig_folder() -> Path | None:
    """The ``rigs/`` folder shipped with previz (source tree or installed data)."""
    return builtin_data_folder("rigs")


def rig_folders() -> list[Path]:
    """Folders searched for rig files: ``PREVIZ_RIG_PATH`` entries, then the built-in one."""
    return data_folders("rigs", "PREVIZ_RIG_PATH")


def load_rig_library(folders: tuple[Path, ...] | None = None) -> RigLibrary:
    """Read every rig file under ``folders`` (default: :func:`rig_folders`).

    Raises
    ------
    DataFileError
        For a bad file, or a name used by two files (both named).
    """
    return _load(tuple(rig_folders()) if folders is None else tuple(folders))


@lru_cache(maxsize=8)
def _load(folders: tuple[Path, ...]) -> RigLibrary:
    tables: dict[type, dict[str, Any]] = {CameraBody: {}, LensKit: {}, SupportRig: {}}
    for folder in folders:
        for path in sorted(folder.rglob("*.toml")):
            item = read_rig_file(path)
            table = tables[type(item)]
            if item.name in table:
                raise DataFileError(
                    f"{path}: name: {item.name!r} is already used by {table[item.name].path}"
                )
            table[item.name] = item
    return RigLibrary(tables[CameraBody], tables[LensKit], tables[SupportRig])
