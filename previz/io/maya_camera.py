"""Camera paths as Maya ASCII scenes (``.ma``): a keyed camera, written as text.

The scene holds one camera: a transform node named after the path (rotate
order ``zxy``) with a camera shape ``<name>Shape``, and one animation curve per
channel with a key on every frame and linear tangents:

- ``translateX/Y/Z`` (``animCurveTL``, centimetres): Maya is Y-up, so stage
  ``(x, y, z)`` metres become ``100 · (x, z, -y)``.
- ``rotateX/Y/Z`` (``animCurveTA``, degrees), rotate order ``zxy``: Z is
  applied first, then X, then Y, so ``R = Ry(ry) · Rx(rx) · Rz(rz)``. A Maya
  camera looks down its local −Z with +Y up; the transform's rotation is
  ``A · R · C``, with ``R`` the previz camera→stage rotation, ``C``
  (:data:`CAMERA_TO_MAYA`) taking Maya camera axes to previz camera axes and
  ``A`` the stage→Y-up rotation. That makes ``rx`` the tilt, ``ry`` the pan and
  ``rz`` minus the roll. Angles are unwrapped along the path so they never
  jump by 360°.
- ``focalLength`` and ``fStop`` (``animCurveTU``, millimetres and f-number),
  ``focusDistance`` (``animCurveTL``, centimetres; a lens focused at infinity
  is keyed at 10⁶ m, :data:`INFINITE_FOCUS_M`, and read back as infinity).

The camera shape gets the film back (``cameraAperture``, inches: the squeezed
sensor size), ``lensSqueezeRatio``, ``filmFit`` (0 fill, 1 horizontal,
2 vertical, 3 overscan) and the clipping planes (centimetres). Maya fits the
film back to the render resolution's aspect, so ``defaultResolution`` is set to
the path's output aspect (1920 pixels wide unless told otherwise), and the
playback range to the path's frames. The time unit (``currentUnit -t``) is the
path's rate; rates Maya 2018 has no unit for are refused.

:func:`read_ma` reads back this subset of Maya ASCII (``createNode``,
``setAttr``, ``connectAttr``, ``select -ne``, ``currentUnit``), including files
saved by Maya with one unparented perspective camera; curves are evaluated at
their keys, linearly in between.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, TextIO

import numpy as np
from numpy.typing import NDArray

import previz
from previz.core.camera_path import CameraInfo, CameraPath
from previz.core.lens import FilmBack, SensorFit
from previz.core.rotation import euler_to_matrix, matrix_to_euler
from previz.core.stage import Y_UP_TO_STAGE
from previz.core.time import format_rate, parse_rate
from previz.errors import FormatError, InputError
from previz.io.camera_common import (
    INFINITE_FOCUS_M,
    MINUS_Z_CAMERA,
    check_positive_numbers,
    identifier,
    on_frames,
    path_on_frames,
)
from previz.io.files import atomic_output, open_input

__all__ = ["CAMERA_TO_MAYA", "INFINITE_FOCUS_M", "MAYA_TIME_UNITS", "read_ma", "write_ma"]

#: Takes Maya camera-local axes (x right, y up, looking down -z) to previz camera
#: axes (x right, y forward, z up).
CAMERA_TO_MAYA = MINUS_Z_CAMERA

_STAGE_TO_MAYA = Y_UP_TO_STAGE.T
_CM_PER_M = 100.0
_MM_PER_INCH = 25.4

#: Maya 2018's time units (``currentUnit -t``) and the rates they stand for; the
#: first name of a rate is the one written.
MAYA_TIME_UNITS: dict[str, Fraction] = {
    "game": Fraction(15),
    "film": Fraction(24),
    "pal": Fraction(25),
    "ntsc": Fraction(30),
    "show": Fraction(48),
    "palf": Fraction(50),
    "ntscf": Fraction(60),
    "23.976fps": Fraction(24000, 1001),
    "29.97fps": Fraction(30000, 1001),
    "29.97df": Fraction(30000, 1001),
    "47.952fps": Fraction(48000, 1001),
    "59.94fps": Fraction(60000, 1001),
    **{
        f"{n}fps": Fraction(n)
        for n in (
            2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 40, 75, 80, 100, 120, 125, 150, 200, 240, 250,
            300, 375, 400, 500, 600, 750, 1200, 1500, 2000, 3000, 6000, 44100, 48000,
        )
    },
    "hour": Fraction(1, 3600),
    "min": Fraction(1, 60),
    "sec": Fraction(1),
    "millisec": Fraction(1000),
}
_UNIT_FOR_RATE: dict[Fraction, str] = {}
for _name, _rate in MAYA_TIME_UNITS.items():
    _UNIT_FOR_RATE.setdefault(_rate, _name)

# Centimetres per Maya linear unit, and radians per angular unit.
_LINEAR_UNITS = {
    "mm": 0.1, "millimeter": 0.1, "cm": 1.0, "centimeter": 1.0, "m": 100.0, "meter": 100.0,
    "km": 1e5, "kilometer": 1e5, "in": 2.54, "inch": 2.54, "ft": 30.48, "foot": 30.48,
    "yd": 91.44, "yard": 91.44, "mi": 160934.4, "mile": 160934.4,
}
_ANGLE_UNITS = {"deg": 1.0, "degree": 1.0, "rad": math.degrees(1.0), "radian": math.degrees(1.0)}

_FILM_FIT = {SensorFit.FILL: 0, SensorFit.HORIZONTAL: 1, SensorFit.VERTICAL: 2,
             SensorFit.OVERSCAN: 3}
_FIT_FROM_MAYA = {value: fit for fit, value in _FILM_FIT.items()}

# Maya rotate orders (the axis applied first comes first) by their .ro value.
_ROTATE_ORDERS = ("xyz", "yzx", "zxy", "xzy", "yxz", "zyx")
_ZXY = 2
_OPTIONS = ("rate", "near_clip_m", "far_clip_m", "camera_name", "resolution", "set_resolution")
_PAIRS_PER_LINE = 5
_FLAGS_PER_LINE = 40
_LINEAR_TANGENT = 2


def _check_options(target: str, options: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(options) - set(_OPTIONS))
    if unknown:
        raise InputError(
            f"{target}: unknown Maya option {unknown[0]!r}; valid: {', '.join(_OPTIONS)}"
        )
    settings: dict[str, Any] = {
        "rate": None, "near_clip_m": 0.1, "far_clip_m": 10_000.0, "camera_name": None,
        "resolution": None, "set_resolution": True,
    }
    settings.update(options)
    check_positive_numbers(target, settings, ("near_clip_m", "far_clip_m"))
    resolution = settings["resolution"]
    if resolution is not None:
        try:
            width, height = (int(v) for v in resolution)
        except (TypeError, ValueError):
            width = height = 0
        if width <= 0 or height <= 0:
            raise InputError(
                f"{target}: resolution must be (width, height) in pixels, got {resolution!r}"
            )
        settings["resolution"] = (width, height)
    return settings


def _time_unit(rate: Fraction, target: str) -> str:
    unit = _UNIT_FOR_RATE.get(rate)
    if unit is None:
        common = ("15", "23.976", "24", "25", "29.97", "30", "47.952", "48", "50", "59.94",
                  "60", "100", "120", "240")
        raise InputError(
            f"{target}: Maya 2018 has no time unit for {format_rate(rate)} fps; resample to "
            f"one it has, such as {', '.join(common)} (all: previz.io.maya_camera."
            "MAYA_TIME_UNITS)"
        )
    return unit


def _maya_rotations(path: CameraPath) -> NDArray[np.float64]:
    """rotateX, rotateY, rotateZ in degrees (rotate order zxy), unwrapped along the path."""
    world = _STAGE_TO_MAYA @ path.rotation_matrices() @ CAMERA_TO_MAYA
    ry_rx_rz = matrix_to_euler(world, "YXZ")
    if len(path) > 1:
        ry_rx_rz = np.degrees(np.unwrap(np.radians(ry_rx_rz), axis=0))
    return ry_rx_rz[:, [1, 0, 2]]


def _wrapped(tokens: list[str], per_line: int) -> str:
    """Tokens joined by spaces, ``per_line`` to a line, continuation lines indented."""
    return "\n\t\t".join(
        " ".join(tokens[start : start + per_line]) for start in range(0, len(tokens), per_line)
    )


def _write_curve(
    stream: TextIO,
    kind: str,
    curve: str,
    frame_text: list[str],
    values: NDArray[np.float64],
    destination: str,
    connections: list[str],
    flags: str,
) -> None:
    """One animation curve with a linear key per frame, and its connection.

    Values are written with ``repr`` (the shortest text that reads back as the
    same double), so the file holds exactly the numbers previz computed.
    ``flags`` is the tangent-type list, the same for every curve.
    """
    count = len(frame_text)
    tokens: list[str] = [""] * (2 * count)
    tokens[0::2] = frame_text
    tokens[1::2] = map(repr, values.tolist())
    last = count - 1
    stream.write(
        f'createNode {kind} -n "{curve}";\n'
        f'\tsetAttr ".tan" {_LINEAR_TANGENT};\n'
        '\tsetAttr ".wgt" no;\n'
        f'\tsetAttr -s {count} ".ktv[0:{last}]"  {_wrapped(tokens, 2 * _PAIRS_PER_LINE)};\n'
        f'\tsetAttr -s {count} ".kit[0:{last}]"  {flags};\n'
        f'\tsetAttr -s {count} ".kot[0:{last}]"  {flags};\n'
    )
    connections.append(f'connectAttr "{curve}.o" "{destination}";\n')


def write_ma(path: CameraPath, target: str | os.PathLike[str], **options: Any) -> Path:
    """Write a camera path as a Maya ASCII scene with a keyed camera.

    Parameters
    ----------
    path : CameraPath
        The camera path; resampled to ``rate`` when one is given.
    target : str or path-like
        The ``.ma`` file (written under a temporary name, then moved into place).
    **options
        ``rate`` (frame rate; default the path's own), ``near_clip_m`` and
        ``far_clip_m`` (clipping planes, default 0.1 m and 10 km),
        ``camera_name`` (transform node name; default the path's name, or
        ``"camera"``), ``resolution`` (``(width, height)`` pixels for
        ``defaultResolution``; default 1920 wide at the output aspect) and
        ``set_resolution`` (default True; False leaves the render resolution
        alone, for scenes that are imported into shots that set their own).

    Returns
    -------
    pathlib.Path
        ``target``.

    Raises
    ------
    InputError
        For an unknown or invalid option, a path without a frame rate when no
        ``rate`` is given, or a rate Maya has no time unit for.
    """
    where = os.fspath(target)
    settings = _check_options(where, options)
    framed, frames, rate = on_frames(path, settings["rate"], where)
    time_unit = _time_unit(rate, where)
    name = identifier(str(settings["camera_name"] or framed.name or "camera"))
    shape = f"{name}Shape"
    camera = framed.camera
    optics = camera.optics(float(framed.focal_mm[0]))
    aspect = optics.output_aspect
    width, height = settings["resolution"] or (1920, max(1, round(1920 / aspect)))

    translate = framed.positions @ _STAGE_TO_MAYA.T * _CM_PER_M
    rotate = _maya_rotations(framed)
    focus_cm = np.where(np.isinf(framed.focus_m), INFINITE_FOCUS_M, framed.focus_m) * _CM_PER_M
    first, last = int(frames[0]), int(frames[-1])
    frame_text = list(map(str, frames.tolist()))
    film = camera.film_back
    label = Path(where).name
    with atomic_output(target) as stream:
        stream.write(
            "//Maya ASCII 2018 scene\n"
            f"//Name: {label}\n"
            f"//Written by previz {previz.__version__}: {len(framed)} frames, "
            f"{first}-{last}\n"
            "//Codeset: UTF-8\n"
            'requires maya "2018";\n'
            f"currentUnit -l centimeter -a degree -t {time_unit};\n"
            'fileInfo "application" "maya";\n'
            'fileInfo "product" "Maya 2018";\n'
            'fileInfo "version" "2018";\n'
            f'fileInfo "writtenBy" "previz {previz.__version__}";\n'
            f'createNode transform -n "{name}";\n'
            f'\tsetAttr ".ro" {_ZXY};\n'
            f'createNode camera -n "{shape}" -p "{name}";\n'
            '\tsetAttr -k off ".v";\n'
            f'\tsetAttr ".cap" -type "double2" {film.width_mm / _MM_PER_INCH!r} '
            f"{film.height_mm / _MM_PER_INCH!r} ;\n"
            f'\tsetAttr ".ff" {_FILM_FIT[camera.fit]};\n'
            f'\tsetAttr ".lsr" {camera.squeeze!r};\n'
            f'\tsetAttr ".ncp" {settings["near_clip_m"] * _CM_PER_M!r};\n'
            f'\tsetAttr ".fcp" {settings["far_clip_m"] * _CM_PER_M!r};\n'
            f'\tsetAttr ".imn" -type "string" "{name}";\n'
        )
        connections: list[str] = []
        flags = _wrapped([str(_LINEAR_TANGENT)] * len(frame_text), _FLAGS_PER_LINE)
        channels = (
            ("animCurveTL", "translateX", name, "tx", translate[:, 0]),
            ("animCurveTL", "translateY", name, "ty", translate[:, 1]),
            ("animCurveTL", "translateZ", name, "tz", translate[:, 2]),
            ("animCurveTA", "rotateX", name, "rx", rotate[:, 0]),
            ("animCurveTA", "rotateY", name, "ry", rotate[:, 1]),
            ("animCurveTA", "rotateZ", name, "rz", rotate[:, 2]),
            ("animCurveTU", "focalLength", shape, "fl", framed.focal_mm),
            ("animCurveTL", "focusDistance", shape, "fd", focus_cm),
            ("animCurveTU", "fStop", shape, "fs", framed.f_stop),
        )
        for kind, long_name, node, short_name, values in channels:
            _write_curve(stream, kind, f"{node}_{long_name}", frame_text, values,
                         f"{node}.{short_name}", connections, flags)
        stream.write(
            'createNode script -n "sceneConfigurationScriptNode";\n'
            f'\tsetAttr ".b" -type "string" "playbackOptions -min {first} -max {last} '
            f'-ast {first} -aet {last} ";\n'
            '\tsetAttr ".st" 6;\n'
            "select -ne :time1;\n"
            f'\tsetAttr ".o" {first};\n'
            f'\tsetAttr ".unw" {first};\n'
        )
        if settings["set_resolution"]:
            stream.write(
                "select -ne :defaultResolution;\n"
                f'\tsetAttr ".w" {width};\n'
                f'\tsetAttr ".h" {height};\n'
                f'\tsetAttr ".pa" {aspect * height / width!r};\n'
                f'\tsetAttr ".dar" {aspect!r};\n'
            )
        stream.write("".join(connections))
        stream.write(f"// End of {label}\n")
    return Path(target)


# --------------------------------------------------------------------- reading
# Statement ends, strings and comments; everything else is skipped in C.
_SCAN = re.compile(r'"(?:[^"\\\n]|\\.)*"|;|//[^\n]*')
_TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"|(\S+)')
_SETATTR_FLAGS_WITH_VALUE = frozenset({"-s", "-k", "-l", "-type", "-ca", "-cb", "-ch"})
_MULTI = re.compile(r"^(\w+)\[(\d+)(?::(\d+))?\]$")
_PLAYBACK_MIN = re.compile(r"-min\s+(-?[0-9.]+)")
_TYPE_FLAG = re.compile(r'^\s*-type\s+"[^"]*"')
_BOOLEANS = {"yes": "1", "no": "0", "on": "1", "off": "0", "true": "1", "false": "0"}

# Long attribute names to the short ones the reader works with.
_SHORT = {
    "translate": "t", "translateX": "tx", "translateY": "ty", "translateZ": "tz",
    "rotate": "r", "rotateX": "rx", "rotateY": "ry", "rotateZ": "rz", "rotateOrder": "ro",
    "focalLength": "fl", "cameraAperture": "cap", "horizontalFilmAperture": "hfa",
    "verticalFilmAperture": "vfa", "lensSqueezeRatio": "lsr", "filmFit": "ff",
    "focusDistance": "fd", "fStop": "fs", "nearClipPlane": "ncp", "farClipPlane": "fcp",
    "orthographic": "o", "keyTimeValue": "ktv", "output": "o", "width": "w", "height": "h",
    "deviceAspectRatio": "dar", "pixelAspect": "pa", "before": "b",
}


@dataclass
class _Node:
    kind: str
    parent: str | None
    shared: bool
    offset: int  # where the createNode (or select) statement starts, for messages
    values: dict[str, tuple[str, int]] = field(default_factory=dict)  # attr → (text, offset)
    keys: list[tuple[int, str, int]] = field(default_factory=list)  # (first index, text, offset)


@dataclass
class _Scene:
    source: str
    text: str
    nodes: dict[str, _Node] = field(default_factory=dict)
    connections: dict[tuple[str, str], str] = field(default_factory=dict)  # (node, attr) → src
    units: dict[str, str] = field(default_factory=dict)

    def error(self, message: str, offset: int | None = None) -> FormatError:
        """An error naming the file and, when ``offset`` is given, its line."""
        if offset is None:
            return FormatError(f"{self.source}: {message}")
        line = self.text.count("\n", 0, offset) + 1
        return FormatError(f"{self.source}:{line}: {message}")


def _short_name(node_attr: str) -> tuple[str, str]:
    """``"|grp|cam.translateX"`` → ``("cam", "tx")``."""
    node, _, attribute = node_attr.partition(".")
    node = node.rsplit("|", 1)[-1].lstrip(":")
    return node, _SHORT.get(attribute, attribute)


def _statements(text: str) -> list[tuple[int, str]]:
    """``(offset, text)`` of every statement, comments removed."""
    out = []
    pieces: list[str] = []
    start = 0
    first: int | None = None  # offset of the statement's first non-blank character

    def add(piece_start: int, piece_end: int) -> None:
        nonlocal first
        piece = text[piece_start:piece_end]
        if first is None and piece.strip():
            first = piece_start + len(piece) - len(piece.lstrip())
        pieces.append(piece)

    for match in _SCAN.finditer(text):
        token = match.group()
        if token == ";":
            add(start, match.start())
            if first is not None:
                out.append((first, "".join(pieces).strip()))
            pieces, first = [], None
        elif token.startswith("//"):
            add(start, match.start())
        else:
            continue
        start = match.end()
    return out


def _tokens(statement: str) -> list[str]:
    return [m.group(1) if m.group(1) is not None else m.group(2)
            for m in _TOKEN.finditer(statement)]


def _parse(scene: _Scene) -> None:
    current: str | None = None
    for offset, statement in _statements(scene.text):
        command = statement.split(None, 1)[0]
        if command == "setAttr":
            _set_attr(scene, current, statement, offset)
        elif command == "createNode":
            words = _tokens(statement)
            kind = words[1] if len(words) > 1 else ""
            name = parent = None
            shared = False
            index = 2
            while index < len(words):
                word = words[index]
                if word in ("-n", "-name") and index + 1 < len(words):
                    name, index = words[index + 1], index + 2
                elif word in ("-p", "-parent") and index + 1 < len(words):
                    parent, index = words[index + 1], index + 2
                else:
                    shared = shared or word in ("-s", "-shared")
                    index += 1
            if name is None:
                name = f"{kind}{len(scene.nodes) + 1}"
            if parent is not None:
                parent = parent.rsplit("|", 1)[-1]
            scene.nodes[name] = _Node(kind, parent, shared, offset)
            current = name
        elif command == "select":
            words = [w for w in _tokens(statement)[1:] if not w.startswith("-")]
            current = words[0].lstrip(":").rsplit("|", 1)[-1] if words else None
            if current is not None and current not in scene.nodes:
                scene.nodes[current] = _Node("", None, True, offset)
        elif command == "connectAttr":
            words = [w for w in _tokens(statement)[1:] if not w.startswith("-")]
            if len(words) >= 2:
                source, _ = _short_name(words[0])
                scene.connections[_short_name(words[1])] = source
        elif command == "currentUnit":
            words = _tokens(statement)[1:]
            for flag, value in zip(words[::2], words[1::2], strict=False):
                scene.units[flag.lstrip("-")[:1]] = value


def _set_attr(scene: _Scene, current: str | None, statement: str, offset: int) -> None:
    position = len("setAttr")
    attribute = None
    while True:
        match = _TOKEN.search(statement, position)
        if match is None:
            return
        word = match.group(1) if match.group(1) is not None else match.group(2)
        position = match.end()
        if match.group(2) is not None and word in _SETATTR_FLAGS_WITH_VALUE:
            following = _TOKEN.search(statement, position)
            position = following.end() if following else len(statement)
            continue
        if match.group(2) is not None and word.startswith("-") and not word[1:2].isdigit():
            continue
        attribute = word
        break
    rest = _TYPE_FLAG.sub("", statement[position:], count=1)
    if attribute.startswith("."):
        node, name = current, attribute[1:]
    else:
        node, name = _short_name(attribute)[0], attribute.partition(".")[2]
    if node is None or node not in scene.nodes:
        return
    target = scene.nodes[node]
    multi = _MULTI.match(name)
    if multi is not None and _SHORT.get(multi.group(1), multi.group(1)) == "ktv":
        target.keys.append((int(multi.group(2)), rest, offset))
        return
    target.values[_SHORT.get(name, name)] = (rest, offset)


def _numbers(
    scene: _Scene, text: str, count: int, what: str, offset: int
) -> NDArray[np.float64]:
    """At least ``count`` finite numbers from a setAttr's values (``yes``/``no`` count)."""
    words = [_BOOLEANS.get(word, word) for word in text.split()]
    try:
        values = np.array(words, dtype=np.float64)
    except ValueError:
        raise scene.error(
            f"{what}: expected {count} number(s), found {text.strip()[:80]!r}", offset
        ) from None
    if values.size < count or not np.isfinite(values).all():
        raise scene.error(
            f"{what}: expected {count} finite number(s), found {text.strip()[:80]!r}", offset
        )
    return values


def _static(
    scene: _Scene, node: _Node, attribute: str, default: float, compound: str = "", index: int = 0
) -> float:
    """A node's set value of an attribute (or of the compound holding it), else ``default``."""
    if attribute in node.values:
        text, offset = node.values[attribute]
        return float(_numbers(scene, text, 1, attribute, offset)[0])
    if compound and compound in node.values:
        text, offset = node.values[compound]
        return float(_numbers(scene, text, index + 1, compound, offset)[index])
    return default


def _keys(
    scene: _Scene, curve: _Node, name: str
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Key times and values of a curve, in time order."""
    if not curve.keys:
        raise scene.error(f"animation curve {name!r} has no keys", curve.offset)
    times, values = [], []
    for _, text, offset in sorted(curve.keys, key=lambda k: k[0]):
        numbers = _numbers(scene, text, 2, f"{name}.ktv", offset)
        if numbers.size % 2:
            raise scene.error(f"{name}.ktv: expected time/value pairs, found an odd count "
                              f"of numbers ({numbers.size})", offset)
        times.append(numbers[0::2])
        values.append(numbers[1::2])
    key_times, key_values = np.concatenate(times), np.concatenate(values)
    order = np.argsort(key_times, kind="stable")
    return key_times[order], key_values[order]


def _pick_camera(scene: _Scene) -> tuple[str, _Node, str, _Node]:
    cameras = [(n, node) for n, node in scene.nodes.items() if node.kind == "camera"]
    if not cameras:
        raise scene.error("no camera in the scene (expected a 'createNode camera' node)")
    own = [(n, node) for n, node in cameras if not node.shared]
    shape_name, shape = (own or cameras)[0]
    if shape.parent is None or shape.parent not in scene.nodes:
        raise scene.error(f"camera {shape_name!r} has no transform parent", shape.offset)
    transform = scene.nodes[shape.parent]
    if transform.parent is not None:
        raise scene.error(
            f"camera transform {shape.parent!r} is parented under {transform.parent!r}; "
            "previz reads unparented cameras only",
            transform.offset,
        )
    return shape.parent, transform, shape_name, shape


def read_ma(path: str | os.PathLike[str], *, rate: Any = None) -> CameraPath:
    """Read the camera of a Maya ASCII scene as a camera path.

    Parameters
    ----------
    path : str or path-like
        A ``.ma`` file such as :func:`write_ma` writes (Maya-saved scenes with
        one unparented camera work too; Maya's startup cameras are skipped when
        there is another).
    rate : optional, keyword-only
        Frames per second, used only when the file has no ``currentUnit -t``
        (Maya would assume film, 24); the file's own time unit wins.

    Returns
    -------
    CameraPath
        One sample per key time of the camera's curves (a single sample when
        nothing is keyed), on frames when the keys are consecutive frames.

    Raises
    ------
    InputError
        If the file is missing.
    FormatError
        If it is not Maya ASCII, holds no camera, or a value cannot be read
        (naming the line).
    """
    source = os.fspath(path)
    with open_input(source, "Maya ASCII .ma file") as handle:
        data = handle.read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise FormatError(f"{source}: not a Maya ASCII file (not UTF-8 text: {error})") from None
    if not text.lstrip("\ufeff").startswith("//Maya ASCII"):
        raise FormatError(f"{source}:1: not a Maya ASCII file (no '//Maya ASCII' header)")
    scene = _Scene(source, text)
    _parse(scene)
    transform_name, transform, shape_name, shape = _pick_camera(scene)
    if _static(scene, shape, "o", 0.0):
        raise scene.error(
            f"camera {shape_name!r} is orthographic; previz needs a perspective camera",
            shape.offset,
        )
    try:
        fallback = None if rate is None else parse_rate(rate)
    except ValueError as error:
        raise InputError(f"{source}: {error}") from None
    linear, angular, frame_rate = _units(scene, fallback)

    # channel → (node, compound attribute, index in it, Maya's default)
    channels = {
        "tx": (transform_name, "t", 0, 0.0), "ty": (transform_name, "t", 1, 0.0),
        "tz": (transform_name, "t", 2, 0.0), "rx": (transform_name, "r", 0, 0.0),
        "ry": (transform_name, "r", 1, 0.0), "rz": (transform_name, "r", 2, 0.0),
        "fl": (shape_name, "", 0, 35.0), "fd": (shape_name, "", 0, 5.0),
        "fs": (shape_name, "", 0, 5.6),
    }
    curves: dict[str, tuple[NDArray[np.float64], NDArray[np.float64]]] = {}
    for attribute, (node_name, *_) in channels.items():
        curve_name = scene.connections.get((node_name, attribute))
        curve = scene.nodes.get(curve_name) if curve_name else None
        if curve_name and curve is not None and curve.kind.startswith("animCurveT"):
            curves[attribute] = _keys(scene, curve, curve_name)
    if curves:
        frames = np.unique(np.concatenate([times for times, _ in curves.values()]))
    else:
        script = scene.nodes.get("sceneConfigurationScriptNode")
        found = _PLAYBACK_MIN.search(script.values.get("b", ("", 0))[0]) if script else None
        frames = np.array([float(found.group(1)) if found else 1.0])

    def channel(attribute: str) -> NDArray[np.float64]:
        if attribute in curves:
            times, values = curves[attribute]
            return np.interp(frames, times, values)
        node_name, compound, index, default = channels[attribute]
        node = transform if node_name == transform_name else shape
        return np.full(frames.size, _static(scene, node, attribute, default, compound, index))

    translate = np.column_stack([channel(a) for a in ("tx", "ty", "tz")]) * linear / _CM_PER_M
    rotate = np.column_stack([channel(a) for a in ("rx", "ry", "rz")]) * angular
    order = _ROTATE_ORDERS[int(_static(scene, transform, "ro", 0.0)) % 6]
    # Maya applies the first axis of the order first: R = R[last] … R[first].
    applied_last_first = order[::-1]
    world = euler_to_matrix(
        rotate[:, ["xyz".index(a) for a in applied_last_first]], applied_last_first.upper()
    )
    rotation = Y_UP_TO_STAGE @ world @ CAMERA_TO_MAYA.T
    focus = channel("fd") * linear / _CM_PER_M
    focus = np.where(focus >= INFINITE_FOCUS_M * (1 - 1e-9), math.inf, focus)
    return path_on_frames(
        f"{scene.source}: camera {transform_name!r}",
        frames,
        frame_rate,
        translate @ Y_UP_TO_STAGE.T,
        rotation,
        focal_mm=channel("fl"),
        focus_m=focus,
        f_stop=channel("fs"),
        name=transform_name,
        camera=_camera_info(scene, shape),
    )


def _units(scene: _Scene, fallback_rate: Fraction | None) -> tuple[float, float, Fraction]:
    """Centimetres per linear unit, degrees per angular unit and the frame rate.

    Without a time unit in the file, Maya assumes film (24 fps); ``fallback_rate``
    replaces that assumption when given.
    """
    linear = _LINEAR_UNITS.get(scene.units.get("l", "cm"))
    angular = _ANGLE_UNITS.get(scene.units.get("a", "deg"))
    if "t" not in scene.units and fallback_rate is not None:
        return _checked_units(scene, linear, angular, fallback_rate)
    time_unit = scene.units.get("t", "film")
    rate = MAYA_TIME_UNITS.get(time_unit)
    if rate is None and time_unit.endswith("fps"):  # units newer than Maya 2018 (72fps, …)
        try:
            rate = parse_rate(time_unit[:-3])
        except ValueError:
            rate = None
    if rate is None:
        raise scene.error(f"unknown time unit {time_unit!r} in currentUnit")
    return _checked_units(scene, linear, angular, rate)


def _checked_units(
    scene: _Scene, linear: float | None, angular: float | None, rate: Fraction
) -> tuple[float, float, Fraction]:
    if linear is None:
        raise scene.error(f"unknown linear unit {scene.units['l']!r} in currentUnit")
    if angular is None:
        raise scene.error(f"unknown angular unit {scene.units['a']!r} in currentUnit")
    return linear, angular, rate


def _camera_info(scene: _Scene, shape: _Node) -> CameraInfo:
    """Film back (inches to mm), squeeze, film fit and the render aspect."""
    if "cap" in shape.values:
        text, offset = shape.values["cap"]
        width_in, height_in = _numbers(scene, text, 2, "cameraAperture", offset)[:2]
    else:
        width_in = _static(scene, shape, "hfa", 1.41732)
        height_in = _static(scene, shape, "vfa", 0.94488)
    squeeze = _static(scene, shape, "lsr", 1.0)
    fit = _FIT_FROM_MAYA.get(int(_static(scene, shape, "ff", 0.0)), SensorFit.FILL)
    resolution = scene.nodes.get("defaultResolution")
    aspect = None
    if resolution is not None and "dar" in resolution.values:
        device = _static(scene, resolution, "dar", 0.0)
        film_aspect = width_in * squeeze / height_in
        # The aspect previz would use anyway reads back as None ("the film back's own").
        if device > 0 and abs(device - film_aspect) > 1e-9 * film_aspect:
            aspect = device
    try:
        return CameraInfo(
            film_back=FilmBack(width_in * _MM_PER_INCH, height_in * _MM_PER_INCH),
            squeeze=squeeze,
            fit=fit,
            aspect=aspect,
        )
    except ValueError as error:
        raise scene.error(f"camera shape: {error}", shape.offset) from None
