"""Shot plans: a sequence, its set, performers, camera marks and shots.

A plan (``shots/*.toml``, schema ``previz.shotplan/1``) is read by
:mod:`previz.io.shotplan_toml` into the frozen records here. The records hold
what the file says (paths stay as written, relative to the plan file); the
logic that needs only the plan itself lives here too:

- **frame layout**: a shot with only ``frames`` starts on the frame after the
  previous shot (the first at the sequence's ``start_frame``); a shot with
  ``frame_range`` sits where it says. Empty, negative and overlapping ranges
  are errors naming both shots. Handles are extra frames either side of a shot
  and do not take room on the timeline.
- **camera paths**: marks become keyframes (one mark: a static camera), or a
  recorded camera file is trimmed and resampled to the sequence rate.

Checks that need the outside world (files exist, camera bodies and lens kits
exist, focal lengths are in the kit) are in :func:`validate_plan`.

Every error names the plan file and the key path (``shots[2].lens``), with the
index counted from 0 in file order.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from fractions import Fraction
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from previz.core.camera_path import CameraInfo, CameraPath, orientations_from_pan_tilt_roll
from previz.core.lens import SensorFit
from previz.core.rig import RigLibrary
from previz.core.take import Placement
from previz.core.time import parse_rate
from previz.errors import DataFileError, InputError, PrevizError

__all__ = [
    "BUILTIN_SETS",
    "BUILTIN_TAKES",
    "DEFAULT_F_STOP",
    "DEFAULT_START_FRAME",
    "SCHEMA",
    "SET_UNITS",
    "CameraDefaults",
    "Mark",
    "PerformerSpec",
    "SetRef",
    "ShotPlan",
    "ShotSpec",
    "plan_problems",
    "validate_plan",
]

#: The schema string every shot plan carries.
SCHEMA = "previz.shotplan/1"

#: Set paths that name a set previz makes itself instead of a file.
BUILTIN_SETS = ("builtin:demo",)

#: Take paths that name a performer previz makes itself instead of a file.
BUILTIN_TAKES = ("builtin:performer",)

#: First frame of a sequence when the plan does not say.
DEFAULT_START_FRAME = 1001

#: Aperture of a mark that names none.
DEFAULT_F_STOP = 2.8

#: Metres per unit of the ``units`` a set may be given in.
SET_UNITS: dict[str, float] = {
    "mm": 0.001, "cm": 0.01, "dm": 0.1, "m": 1.0, "in": 0.0254, "ft": 0.3048,
}

_UNNAMED = "<shot plan>"


# ---------------------------------------------------------------- records
@dataclass(frozen=True)
class Sequence:
    """Timing and picture of the whole sequence.

    Parameters
    ----------
    rate : Fraction
        Frames per second (any spelling :func:`~previz.core.time.parse_rate` takes).
    resolution : tuple of int
        Output width and height in pixels.
    title : str
        The sequence's name.
    start_frame : int
        Frame number of the sequence's first frame.
    aspect : float or None
        Delivery aspect for framing guides (None: the resolution's).
    """

    rate: Fraction
    resolution: tuple[int, int] = (1920, 1080)
    title: str = ""
    start_frame: int = DEFAULT_START_FRAME
    aspect: float | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "rate", parse_rate(self.rate))
        width, height = (int(v) for v in self.resolution)
        if width <= 0 or height <= 0:
            raise ValueError(f"resolution must be two positive numbers, got {self.resolution!r}")
        object.__setattr__(self, "resolution", (width, height))
        if self.aspect is not None and not (math.isfinite(self.aspect) and self.aspect > 0):
            raise ValueError(f"aspect must be a positive number, got {self.aspect!r}")

    @property
    def frame_aspect(self) -> float:
        """Width over height of the output resolution."""
        return self.resolution[0] / self.resolution[1]

    @property
    def guide_aspect(self) -> float:
        """The delivery aspect framing guides show (the resolution's when not given)."""
        return self.aspect if self.aspect is not None else self.frame_aspect

    def seconds(self, frame: int) -> float:
        """Seconds from the sequence's first frame to ``frame``."""
        return float((frame - self.start_frame) / self.rate)


@dataclass(frozen=True)
class SetRef:
    """Where the set comes from, and how to read it.

    Parameters
    ----------
    path : str
        ``"builtin:demo"`` or a file path, relative to the plan file.
    up_axis : str or None
        ``"y"`` or ``"z"``; None lets the reader decide.
    units : str or None
        One of :data:`SET_UNITS`; None lets the reader decide.
    scale : float or None
        Metres per file unit (instead of ``units``).
    """

    path: str
    up_axis: str | None = None
    units: str | None = None
    scale: float | None = None

    @property
    def is_builtin(self) -> bool:
        """True for a set previz makes itself."""
        return self.path.startswith("builtin:")

    @property
    def metres_per_unit(self) -> float | None:
        """The set's scale from ``scale`` or ``units`` (None when neither is given)."""
        if self.scale is not None:
            return self.scale
        return SET_UNITS[self.units] if self.units is not None else None


@dataclass(frozen=True)
class CameraDefaults:
    """The camera every mark and shot uses unless it names another body.

    Parameters
    ----------
    body : str or None
        ``"BODY"`` or ``"BODY:MODE"`` from the rig library.
    lens_kit : str or None
        Lens kit name; focal lengths of marks and shots must be in it.
    support : str or None
        Camera support, for feasibility checks.
    fit : SensorFit
        How the output frame sits on the film back.
    """

    body: str | None = None
    lens_kit: str | None = None
    support: str | None = None
    fit: SensorFit = SensorFit.FILL

    def __post_init__(self) -> None:
        object.__setattr__(self, "fit", SensorFit(self.fit))


@dataclass(frozen=True)
class PerformerSpec:
    """A performer: a motion-capture take placed on the stage and on the timeline.

    Parameters
    ----------
    name : str
        Unique within the plan.
    take : str
        ``"builtin:performer"`` or a take file path, relative to the plan file.
    position : tuple of 3 float
        Stage metres of the take's origin.
    heading : float
        Degrees, counter-clockwise seen from above.
    scale : float or None
        Metres per take unit (None: the take's suggested scale).
    time_offset : int
        Sequence frames: take frame 0 plays at ``start_frame + time_offset``.
    trim : tuple of int or None
        Source frames to use, inclusive.
    """

    name: str
    take: str
    position: tuple[float, float, float] = (0.0, 0.0, 0.0)
    heading: float = 0.0
    scale: float | None = None
    time_offset: int = 0
    trim: tuple[int, int] | None = None

    @property
    def is_builtin(self) -> bool:
        """True for a performer previz makes itself."""
        return self.take.startswith("builtin:")

    def first_frame(self, sequence: Sequence) -> int:
        """The sequence frame on which the take's frame 0 plays."""
        return sequence.start_frame + self.time_offset

    def placement(self, sequence: Sequence, default_scale: float = 1.0) -> Placement:
        """Return where and when the take plays.

        The placement's ``time_offset`` counts seconds from the sequence's
        ``start_frame`` (stage time 0 is the sequence's first frame).

        Parameters
        ----------
        sequence : Sequence
            The plan's sequence (rate and start frame).
        default_scale : float
            Metres per take unit when the performer names no ``scale`` (pass the
            take's suggested scale).
        """
        return Placement(
            scale=self.scale if self.scale is not None else default_scale,
            position=self.position,
            heading=self.heading,
            time_offset=Fraction(self.time_offset) / sequence.rate,
        )


@dataclass(frozen=True)
class Mark:
    """A camera position saved while scouting: where, which way, which lens.

    Parameters
    ----------
    name : str
        Unique within the plan.
    position : tuple of 3 float
        Stage metres (Z up) of the sensor.
    focal : float
        Focal length, mm.
    pan, tilt, roll : float
        Degrees, intrinsic Z-X-Y (see :mod:`previz.core.camera_path`).
    focus : float
        Focus distance, metres (``inf``: infinity).
    f_stop : float or None
        Aperture (None: :data:`DEFAULT_F_STOP`).
    body : str or None
        ``"BODY[:MODE]"`` overriding the plan's camera body.
    note : str
        Free text.
    """

    name: str
    position: tuple[float, float, float]
    focal: float
    pan: float = 0.0
    tilt: float = 0.0
    roll: float = 0.0
    focus: float = math.inf
    f_stop: float | None = None
    body: str | None = None
    note: str = ""

    def __post_init__(self) -> None:
        position = tuple(float(v) for v in self.position)
        if len(position) != 3 or not all(math.isfinite(v) for v in position):
            raise ValueError(f"mark {self.name!r}: position must be 3 finite numbers")
        object.__setattr__(self, "position", position)

    @property
    def pan_tilt_roll(self) -> tuple[float, float, float]:
        """Pan, tilt and roll in degrees."""
        return (self.pan, self.tilt, self.roll)

    @property
    def aperture(self) -> float:
        """The f-number (the default when the mark names none)."""
        return self.f_stop if self.f_stop is not None else DEFAULT_F_STOP

    def orientation(self) -> NDArray[np.float64]:
        """Return the camera→stage quaternion ``(x, y, z, w)``."""
        return orientations_from_pan_tilt_roll(self.pan_tilt_roll)

    def camera_path(
        self,
        rate: Fraction | float | str,
        first_frame: int = DEFAULT_START_FRAME,
        frame_count: int = 1,
        *,
        camera: CameraInfo | None = None,
        focal_mm: float | None = None,
        name: str | None = None,
    ) -> CameraPath:
        """Return a static camera at this mark, one sample per frame.

        Parameters
        ----------
        rate : Fraction, float or str
            Frames per second.
        first_frame : int
            Frame number of the first sample.
        frame_count : int
            How many frames.
        camera : CameraInfo or None, keyword-only
            Film back and body (default: full frame).
        focal_mm : float or None, keyword-only
            A focal length replacing the mark's.
        name : str or None, keyword-only
            The path's label (default: the mark's name).
        """
        if frame_count < 1:
            raise ValueError(f"frame_count must be at least 1, got {frame_count}")
        frame_rate = parse_rate(rate)
        return CameraPath.from_pan_tilt_roll(
            np.arange(frame_count) / float(frame_rate),
            np.tile(self.position, (frame_count, 1)),
            np.tile(self.pan_tilt_roll, (frame_count, 1)),
            focal_mm=self.focal if focal_mm is None else focal_mm,
            focus_m=self.focus,
            f_stop=self.aperture,
            rate=frame_rate,
            start_frame=first_frame,
            name=self.name if name is None else name,
            camera=camera if camera is not None else CameraInfo(),
        )


@dataclass(frozen=True)
class ShotSpec:
    """A shot: its frames and where its camera comes from.

    Give ``marks`` (camera keyframes; ``keys`` places them on shot-relative
    frames, else they are spread evenly over the shot) or ``camera`` (a
    recorded camera path file, relative to the plan; ``camera_trim`` picks its
    frames, numbered as the file numbers them). Give ``frames`` (the shot
    follows the previous one) or ``frame_range`` (inclusive, on the sequence
    timeline).
    """

    id: str
    description: str = ""
    marks: tuple[str, ...] = ()
    keys: tuple[int, ...] | None = None
    camera: str | None = None
    camera_trim: tuple[int, int] | None = None
    frames: int | None = None
    frame_range: tuple[int, int] | None = None
    handles: int = 0
    lens: float | None = None
    notes: str = ""
    tags: tuple[str, ...] = ()

    @property
    def source_kind(self) -> str:
        """``"marks"`` or ``"camera"``: where the shot's camera comes from."""
        return "camera" if self.camera is not None else "marks"


# ---------------------------------------------------------------- the plan
def _where(source: Path | None, key: str) -> str:
    return f"{source if source is not None else _UNNAMED}: {key}: "


def _fail(source: Path | None, key: str, message: str) -> DataFileError:
    return DataFileError(_where(source, key) + message)


def _first_duplicate(names: list[str]) -> tuple[int, int] | None:
    seen: dict[str, int] = {}
    for index, name in enumerate(names):
        if name in seen:
            return seen[name], index
        seen[name] = index
    return None


@dataclass(frozen=True)
class ShotPlan:
    """A whole shot plan (see the module notes).

    Parameters
    ----------
    sequence : Sequence
    set : SetRef
    camera : CameraDefaults
    performers, marks, shots : tuple
        In file order.
    source : Path or None
        The plan file; paths in the plan are relative to its folder.

    Raises
    ------
    DataFileError
        For duplicate names, a shot naming an unknown mark, a shot with no
        camera source or two, bad keys, or empty, negative or overlapping frame
        ranges, naming the file and the key path.
    """

    sequence: Sequence
    set: SetRef
    camera: CameraDefaults = field(default_factory=CameraDefaults)
    performers: tuple[PerformerSpec, ...] = ()
    marks: tuple[Mark, ...] = ()
    shots: tuple[ShotSpec, ...] = ()
    source: Path | None = None
    _ranges: tuple[tuple[int, int], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in ("performers", "marks", "shots"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        if self.source is not None:
            object.__setattr__(self, "source", Path(self.source))
        self._check_names()
        for index, shot in enumerate(self.shots):
            self._check_shot(index, shot)
        object.__setattr__(self, "_ranges", self._layout())

    # ------------------------------------------------------------ checks
    def _check_names(self) -> None:
        for group, key, names in (
            ("performers", "name", [p.name for p in self.performers]),
            ("marks", "name", [m.name for m in self.marks]),
            ("shots", "id", [s.id for s in self.shots]),
        ):
            for index, name in enumerate(names):
                if not name.strip():
                    raise _fail(self.source, f"{group}[{index}].{key}", "must not be empty")
            duplicate = _first_duplicate(names)
            if duplicate is not None:
                first, second = duplicate
                raise _fail(
                    self.source, f"{group}[{second}].{key}",
                    f"{names[second]!r} is already used by {group}[{first}]",
                )

    def _check_shot(self, index: int, shot: ShotSpec) -> None:
        base = f"shots[{index}]"
        if shot.camera is not None and shot.marks:
            raise _fail(self.source, f"{base}.camera", "give either marks or camera, not both")
        if shot.camera is None and not shot.marks:
            raise _fail(self.source, base, "needs marks = [...] or camera = \"FILE\"")
        if shot.camera_trim is not None and shot.camera is None:
            raise _fail(self.source, f"{base}.camera_trim", "needs camera = \"FILE\"")
        if shot.keys is not None and shot.camera is not None:
            raise _fail(self.source, f"{base}.keys", "goes with marks, not with camera")
        if shot.camera_trim is not None and shot.camera_trim[0] > shot.camera_trim[1]:
            raise _fail(self.source, f"{base}.camera_trim",
                        f"first frame after last: {list(shot.camera_trim)}")
        if (shot.frames is None) == (shot.frame_range is None):
            raise _fail(self.source, f"{base}.frames",
                        "give either frames (a duration) or frame_range = [first, last]")
        if shot.frames is not None and shot.frames < 1:
            raise _fail(self.source, f"{base}.frames",
                        f"expected a positive number of frames, found {shot.frames}")
        if shot.frame_range is not None:
            first, last = shot.frame_range
            if first < 0 or last < first:
                raise _fail(self.source, f"{base}.frame_range",
                            f"[{first}, {last}] is empty or negative; expected 0 <= first <= last")
        if shot.handles < 0:
            raise _fail(self.source, f"{base}.handles",
                        f"expected a whole number >= 0, found {shot.handles}")
        names = [m.name for m in self.marks]
        for position, name in enumerate(shot.marks):
            if name not in names:
                valid = ", ".join(names) if names else "(no marks in the plan)"
                raise _fail(self.source, f"{base}.marks[{position}]",
                            f"unknown mark {name!r}; valid: {valid}")
        self._check_keys(index, shot)

    def _check_keys(self, index: int, shot: ShotSpec) -> None:
        base = f"shots[{index}]"
        duration = shot.frames if shot.frames is not None else (
            shot.frame_range[1] - shot.frame_range[0] + 1  # type: ignore[index]
        )
        if shot.keys is None:
            if len(shot.marks) > duration:
                raise _fail(self.source, f"{base}.marks",
                            f"{len(shot.marks)} marks do not fit in {duration} frames")
            return
        keys = list(shot.keys)
        if len(keys) != len(shot.marks):
            raise _fail(self.source, f"{base}.keys",
                        f"has {len(keys)} frames for {len(shot.marks)} marks; give one per mark")
        if any(b <= a for a, b in pairwise(keys)):
            raise _fail(self.source, f"{base}.keys", f"{keys} must increase")
        low, high = -shot.handles, duration - 1 + shot.handles
        outside = [k for k in keys if not low <= k <= high]
        if outside:
            raise _fail(self.source, f"{base}.keys",
                        f"frame {outside[0]} is outside the shot: keys are shot-relative frames "
                        f"{low}..{high} (0 is the shot's first frame, handles included)")

    def _layout(self) -> tuple[tuple[int, int], ...]:
        ranges: list[tuple[int, int]] = []
        following = self.sequence.start_frame
        for shot in self.shots:
            if shot.frame_range is not None:
                first, last = shot.frame_range
            else:
                first, last = following, following + int(shot.frames or 0) - 1
            ranges.append((first, last))
            following = last + 1
        order = sorted(range(len(ranges)), key=lambda i: (ranges[i][0], i))
        for previous, current in pairwise(order):
            if ranges[current][0] <= ranges[previous][1]:
                later = max(previous, current)
                earlier = min(previous, current)
                shot = self.shots[later]
                key = "frame_range" if shot.frame_range is not None else "frames"
                a, b = ranges[later]
                c, d = ranges[earlier]
                raise _fail(
                    self.source, f"shots[{later}].{key}",
                    f"shot {shot.id!r} (frames {a}-{b}) overlaps shot "
                    f"{self.shots[earlier].id!r} (shots[{earlier}], frames {c}-{d})",
                )
        return tuple(ranges)

    # ------------------------------------------------------------- facts
    def __repr__(self) -> str:
        name = f"{self.source.name!r}, " if self.source is not None else ""
        return (f"ShotPlan({name}{self.sequence.title!r}, {len(self.shots)} shots, "
                f"{len(self.marks)} marks, {len(self.performers)} performers)")

    @property
    def folder(self) -> Path:
        """The folder plan paths are relative to (the current one for an unsaved plan)."""
        return self.source.parent if self.source is not None else Path()

    def resolve(self, relative: str) -> Path:
        """Return a path named in the plan, relative to the plan's folder."""
        return self.folder / Path(relative).expanduser()

    def index(self, shot_id: str) -> int:
        """Return the position of a shot in the plan.

        Raises
        ------
        InputError
            Naming the plan's shot ids.
        """
        for index, shot in enumerate(self.shots):
            if shot.id == shot_id:
                return index
        valid = ", ".join(s.id for s in self.shots) or "(none)"
        raise InputError(f"{self.source or _UNNAMED}: no shot {shot_id!r}; valid: {valid}")

    def shot(self, shot_id: str) -> ShotSpec:
        """Return a shot by id (see :meth:`index`)."""
        return self.shots[self.index(shot_id)]

    def mark(self, name: str) -> Mark:
        """Return a mark by name, or raise naming the valid ones."""
        for mark in self.marks:
            if mark.name == name:
                return mark
        valid = ", ".join(m.name for m in self.marks) or "(none)"
        raise InputError(f"{self.source or _UNNAMED}: no mark {name!r}; valid: {valid}")

    def frame_range(self, shot_id: str) -> tuple[int, int]:
        """First and last frame (inclusive) of a shot on the sequence timeline."""
        return self._ranges[self.index(shot_id)]

    def frame_ranges(self) -> tuple[tuple[int, int], ...]:
        """First and last frame of every shot, in plan order."""
        return self._ranges

    def key_frames(self, shot_id: str) -> tuple[int, ...]:
        """Sequence frames of a shot's mark keyframes (empty for a camera file)."""
        shot = self.shot(shot_id)
        first, last = self.frame_range(shot_id)
        if shot.keys is not None:
            return tuple(first + k for k in shot.keys)
        count = len(shot.marks)
        if count <= 1:
            return (first,) * count
        span = last - first
        return tuple(first + round(i * span / (count - 1)) for i in range(count))

    def focal(self, shot_id: str) -> float | None:
        """The shot's focal length: its ``lens``, else its first mark's (None for a file)."""
        shot = self.shot(shot_id)
        if shot.lens is not None:
            return shot.lens
        return self.mark(shot.marks[0]).focal if shot.marks else None

    def with_marks(self, marks: tuple[Mark, ...] | list[Mark]) -> ShotPlan:
        """Return the plan with other marks (checked again)."""
        return replace(self, marks=tuple(marks))

    # ------------------------------------------------------------ camera
    def body_spec(self, shot_id: str) -> str | None:
        """The ``BODY[:MODE]`` a shot is shot on: its first mark's override, else the plan's."""
        shot = self.shot(shot_id)
        for name in shot.marks[:1]:
            body = self.mark(name).body
            if body is not None:
                return body
        return self.camera.body

    def camera_info(self, shot_id: str, library: RigLibrary | None,
                    base: CameraInfo | None = None) -> CameraInfo:
        """Return the film back, squeeze and fit a shot is framed with.

        Parameters
        ----------
        shot_id : str
            The shot.
        library : RigLibrary or None
            The rig library; needed when the plan names a body or a lens kit.
        base : CameraInfo or None
            What a recorded path says (kept where the plan names nothing).

        Raises
        ------
        DataFileError
            For an unknown body, sensor mode or lens kit, naming the key.
        """
        return self._framed(self.body_spec(shot_id), self._body_key(shot_id), library, base)

    def mark_camera_info(self, name: str, library: RigLibrary | None) -> CameraInfo:
        """Return the film back, squeeze and fit a mark is framed with (its body, else the plan's).

        Raises
        ------
        InputError
            For an unknown mark.
        DataFileError
            For an unknown body, sensor mode or lens kit, naming the key.
        """
        mark = self.mark(name)
        if mark.body is None:
            return self._framed(self.camera.body, "camera.body", library, None)
        index = [m.name for m in self.marks].index(name)
        return self._framed(mark.body, f"marks[{index}].body", library, None)

    def _framed(self, body: str | None, body_key: str, library: RigLibrary | None,
                base: CameraInfo | None) -> CameraInfo:
        """``base`` on the plan's fit and frame, the body ``body`` and the plan's lens kit."""
        info = base if base is not None else CameraInfo()
        info = replace(info, fit=self.camera.fit, aspect=self.sequence.frame_aspect)
        if body is not None:
            info = info.on_body(*_resolve(self.source, body_key, lambda: self._rig(
                library, body_key).body_and_mode(body)))
        kit_name = self.camera.lens_kit
        if kit_name is not None:
            kit = _resolve(self.source, "camera.lens_kit",
                           lambda: self._rig(library, "camera.lens_kit").lens_kit(kit_name))
            info = info.with_lens_kit(kit)
        return info

    def _body_key(self, shot_id: str) -> str:
        """Key path of the body a shot uses (for messages)."""
        shot = self.shot(shot_id)
        if shot.marks and self.mark(shot.marks[0]).body is not None:
            names = [m.name for m in self.marks]
            return f"marks[{names.index(shot.marks[0])}].body"
        return "camera.body"

    def _rig(self, library: RigLibrary | None, key: str) -> RigLibrary:
        if library is None:
            raise _fail(self.source, key, "needs the rig library to be resolved")
        return library

    def camera_path(
        self,
        shot_id: str,
        library: RigLibrary | None,
        *,
        handles: bool = False,
        read_camera: Callable[[Path, Fraction], CameraPath] | None = None,
    ) -> CameraPath:
        """Return a shot's camera on every frame of the shot, at the sequence rate.

        Marks become keyframes on :meth:`key_frames` (one mark: a static camera;
        before the first and after the last key the camera holds). A camera file
        is read, trimmed to ``camera_trim`` (the file's own frame numbers; a file
        without a rate is first put on frames at the sequence rate), and its
        first used frame lands on the shot's first frame.

        Parameters
        ----------
        shot_id : str
            The shot.
        library : RigLibrary or None
            For the film back and squeeze (see :meth:`camera_info`).
        handles : bool, keyword-only
            Cover the handles too (a camera file gives the frames beyond its
            trim where it has them, else holds).
        read_camera : callable or None, keyword-only
            ``read_camera(path, rate) -> CameraPath``, with ``rate`` for files
            that do not record one; needed for a shot whose camera is a file
            (:func:`previz.io.plan_assets.plan_camera_path` passes the file
            formats' readers). The core reads no files itself.

        Raises
        ------
        DataFileError
            Naming the shot's key: a camera file shorter than the shot, a trim
            outside the file, an unknown body or lens kit.
        """
        index = self.index(shot_id)
        shot = self.shots[index]
        first, last = self._ranges[index]
        extra = shot.handles if handles else 0
        count = last - first + 1 + 2 * extra
        rate = self.sequence.rate
        if shot.camera is not None:
            path = self._camera_from_file(index, read_camera)
            info = self.camera_info(shot_id, library, path.camera)
            start, end = self._trim_window(index, path)
            if (last - first) / float(rate) > end - start + 1e-6 / float(rate):
                have = math.floor((end - start) * float(rate) + 1e-6) + 1
                raise _fail(
                    self.source, f"shots[{index}].camera",
                    f"{shot.camera} gives {have} frames at {float(rate):g} fps"
                    f"{' after camera_trim' if shot.camera_trim else ''}; "
                    f"the shot needs {last - first + 1}",
                )
            wanted = start + (np.arange(count) - extra) / float(rate)
        else:
            keys = np.asarray(self.key_frames(shot_id)) - first
            marks = [self.mark(name) for name in shot.marks]
            info = self.camera_info(shot_id, library)
            path = CameraPath.from_pan_tilt_roll(
                keys / float(rate),
                [m.position for m in marks],
                [m.pan_tilt_roll for m in marks],
                focal_mm=[m.focal for m in marks],
                focus_m=[m.focus for m in marks],
                f_stop=[m.aperture for m in marks],
                interpolation="smooth",
            )
            wanted = (np.arange(count) - extra) / float(rate)
        values = _evaluate(path, wanted)
        if shot.lens is not None:
            values["focal_mm"] = np.full(count, shot.lens)
        return CameraPath(
            times=np.arange(count) / float(rate),
            rate=rate,
            start_frame=first - extra,
            interpolation=path.interpolation,
            name=shot.id,
            camera=info,
            **values,
        )

    def _camera_from_file(
        self, index: int, read_camera: Callable[[Path, Fraction], CameraPath] | None
    ) -> CameraPath:
        shot = self.shots[index]
        target = self.resolve(shot.camera or "")
        if not target.is_file():
            raise _fail(self.source, f"shots[{index}].camera", f"no such file: {target}")
        if read_camera is None:
            raise ValueError(
                f"shot {shot.id!r} takes its camera from a file: pass read_camera (or use "
                f"previz.io.plan_assets.plan_camera_path)"
            )
        try:
            path = read_camera(target, self.sequence.rate)
        except PrevizError as error:
            raise _fail(self.source, f"shots[{index}].camera", str(error)) from None
        if path.rate is None:
            path = path.resample(self.sequence.rate)
        return path

    def _trim_window(self, index: int, path: CameraPath) -> tuple[float, float]:
        """Times (s) of the first and last frame of a camera file the shot uses."""
        shot = self.shots[index]
        if shot.camera_trim is None:
            return float(path.times[0]), float(path.times[-1])
        low, high = shot.camera_trim
        frames = path.frames
        if frames is None:  # pragma: no cover - _camera_from_file puts paths on frames
            raise _fail(self.source, f"shots[{index}].camera", "the path has no frame rate")
        if low < frames[0] or high > frames[-1]:
            raise _fail(
                self.source, f"shots[{index}].camera_trim",
                f"frames {low}-{high} are outside {shot.camera}'s frames "
                f"{int(frames[0])}-{int(frames[-1])}",
            )
        return float(path.times[low - int(frames[0])]), float(path.times[high - int(frames[0])])


def _evaluate(path: CameraPath, times: NDArray[np.float64]) -> dict[str, NDArray[np.float64]]:
    """The path's values at ``times``, held beyond its ends."""
    clipped = np.clip(times, path.times[0], path.times[-1])
    unique, inverse = np.unique(clipped, return_inverse=True)
    # Focus is interpolated here: a finite focus next to infinity needs diopters.
    sampled = replace(path, focus_m=np.ones(len(path))).sample(unique)
    return {
        "positions": sampled.positions[inverse],
        "orientations": sampled.orientations[inverse],
        "focal_mm": sampled.focal_mm[inverse],
        "focus_m": _focus_at(path.times, path.focus_m, unique)[inverse],
        "f_stop": sampled.f_stop[inverse],
    }


def _focus_at(
    times: NDArray[np.float64], focus: NDArray[np.float64], when: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Focus distance at ``when``: linear in metres, or in diopters next to infinity."""
    if len(times) == 1:
        return np.full(when.size, focus[0])
    upper = np.clip(np.searchsorted(times, when, side="right"), 1, len(times) - 1)
    lower = upper - 1
    weight = np.clip((when - times[lower]) / (times[upper] - times[lower]), 0.0, 1.0)
    near, far = focus[lower], focus[upper]
    finite = np.isfinite(near) & np.isfinite(far)
    with np.errstate(divide="ignore", invalid="ignore"):
        metres = near + (far - near) * weight
        diopters = (1.0 / near) + ((1.0 / far) - (1.0 / near)) * weight
        through_infinity = np.where(diopters > 0, 1.0 / diopters, math.inf)
    return np.where(near == far, near, np.where(finite, metres, through_infinity))


def _resolve(source: Path | None, key: str, lookup: Callable[[], Any]) -> Any:
    """Run a rig-library lookup, naming the plan file and key when it fails."""
    try:
        return lookup()
    except DataFileError:
        raise
    except InputError as error:
        raise _fail(source, key, str(error)) from None


# ---------------------------------------------------------------- validation
def plan_problems(plan: ShotPlan, library: RigLibrary) -> list[DataFileError]:
    """Return every problem the plan has with the outside world, in file order.

    Checks that the set, take and camera files exist (or are built-in), that
    the camera bodies (and sensor modes), lens kit and support are in the rig
    library, that every mark's focal length and every shot's ``lens`` is in the
    lens kit, and that the marks of one shot use one camera body.

    Parameters
    ----------
    plan : ShotPlan
        The plan.
    library : RigLibrary
        Camera bodies, lens kits and supports.

    Returns
    -------
    list of DataFileError
        Each naming the plan file and the key path; empty for a valid plan.
    """
    problems: list[DataFileError] = []
    source = plan.source

    def check(key: str, test: Callable[[], Any]) -> Any:
        try:
            return _resolve(source, key, test)
        except DataFileError as error:
            problems.append(error)
            return None

    def exists(key: str, relative: str, builtins: tuple[str, ...], what: str) -> None:
        if relative.startswith("builtin:"):
            if relative not in builtins:
                problems.append(_fail(source, key, f"unknown built-in {what} {relative!r}; "
                                                   f"valid: {', '.join(builtins)}"))
        elif not plan.resolve(relative).is_file():
            problems.append(_fail(source, key, f"{what} file not found: {plan.resolve(relative)}"))

    exists("set.path", plan.set.path, BUILTIN_SETS, "set")
    defaults = plan.camera
    if defaults.body is not None:
        check("camera.body", lambda: library.body_and_mode(defaults.body))  # type: ignore[arg-type]
    kit = None
    if defaults.lens_kit is not None:
        kit = check("camera.lens_kit", lambda: library.lens_kit(defaults.lens_kit))  # type: ignore[arg-type]
    if defaults.support is not None:
        check("camera.support", lambda: library.support(defaults.support))  # type: ignore[arg-type]
    for index, performer in enumerate(plan.performers):
        exists(f"performers[{index}].take", performer.take, BUILTIN_TAKES, "take")
    for index, mark in enumerate(plan.marks):
        if mark.body is not None:
            body = mark.body
            check(f"marks[{index}].body", lambda body=body: library.body_and_mode(body))
        if kit is not None:
            check(f"marks[{index}].focal", lambda f=mark.focal: kit.lens_for(f))
    for index, shot in enumerate(plan.shots):
        if shot.camera is not None:
            exists(f"shots[{index}].camera", shot.camera, (), "camera")
        if shot.lens is not None and kit is not None:
            check(f"shots[{index}].lens", lambda f=shot.lens: kit.lens_for(f))
        bodies = {name: plan.mark(name).body or defaults.body for name in shot.marks}
        if len(set(bodies.values())) > 1:
            described = ", ".join(f"{name!r} ({body or 'no body'})"
                                  for name, body in bodies.items())
            problems.append(_fail(source, f"shots[{index}].marks",
                                  f"the marks of one shot must use one camera body: {described}"))
    return problems


def validate_plan(plan: ShotPlan, library: RigLibrary) -> ShotPlan:
    """Check the plan against files and the rig library (see :func:`plan_problems`).

    Returns
    -------
    ShotPlan
        The same plan, when it is valid.

    Raises
    ------
    DataFileError
        The first problem found, naming the plan file and the key path.
    """
    problems = plan_problems(plan, library)
    if problems:
        raise problems[0]
    return plan
