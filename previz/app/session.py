"""The scouting session behind ``previz scout``: camera, lens, marks and the shot plan.

:class:`ScoutSession` holds everything the director changes while scouting and
offers it as plain methods (``add_mark``, ``set_focal``, ``save_plan``,
``snapshot`` …), so the desktop tool's widgets are thin and tests drive the
session directly. It knows no Qt; it tells listeners what changed with one word
(see :data:`CHANGES`). Rendering (stills) is imported only when a still is taken.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from previz.app.navigation import (
    NavSettings,
    NavState,
    Pose,
    degrees_per_pixel,
    look,
    set_mode,
    step,
    with_pose,
)
from previz.core.camera_path import CameraInfo
from previz.core.projection import ViewCamera
from previz.core.rig import LensKit, LensSpec, RigLibrary
from previz.core.set_model import SetModel
from previz.core.shotplan import DEFAULT_F_STOP, DEFAULT_START_FRAME, Mark, ShotPlan
from previz.core.take import Take
from previz.errors import InputError
from previz.render.guides import Burnins, Guides, parse_aspect

if TYPE_CHECKING:
    from previz.render.frame import FrameRenderer

__all__ = ["CHANGES", "FOCAL_RANGE_NO_KIT_MM", "ScoutSession", "kit_focal_range",
           "kit_primes", "snap_focal"]

#: What a listener can be told changed: the camera moved, the lens, the camera
#: body or kit, the guides or burn-ins, the marks, the timeline, the plan file.
CHANGES = ("view", "lens", "camera", "guides", "marks", "time", "plan")

#: Focal lengths allowed when no lens kit is chosen, mm.
FOCAL_RANGE_NO_KIT_MM = (6.0, 600.0)

_FOCUS_INFINITY = math.inf
_MARK_NAME = re.compile(r"^mark-(\d+)$")


# ------------------------------------------------------------- lens kits
def kit_primes(kit: LensKit | None) -> tuple[float, ...]:
    """The focal lengths of a kit's primes, sorted (empty without a kit)."""
    if kit is None:
        return ()
    return tuple(sorted({lens.focal_mm for lens in kit.lenses
                         if not lens.is_zoom and lens.focal_mm is not None}))


def kit_focal_range(kit: LensKit | None) -> tuple[float, float]:
    """The shortest and longest focal length of a kit (a default range without one)."""
    if kit is None:
        return FOCAL_RANGE_NO_KIT_MM
    focals = [focal for lens in kit.lenses for focal in lens.focal_lengths]
    if not focals:
        return FOCAL_RANGE_NO_KIT_MM
    return min(focals), max(focals)


def snap_focal(kit: LensKit | None, focal_mm: float) -> float:
    """Return the focal length of the kit nearest to ``focal_mm`` (ratio-wise).

    A prime snaps to its focal length; within a zoom's range any value stays.
    Without a kit the value is only kept within :data:`FOCAL_RANGE_NO_KIT_MM`.
    """
    wanted = float(focal_mm)
    if not (math.isfinite(wanted) and wanted > 0):
        raise InputError(f"focal length must be a positive number of mm, got {focal_mm!r}")
    if kit is None:
        low, high = FOCAL_RANGE_NO_KIT_MM
        return min(high, max(low, wanted))
    candidates: list[float] = []
    for lens in kit.lenses:
        if lens.focal_range_mm is not None:
            low, high = lens.focal_range_mm
            candidates.append(min(high, max(low, wanted)))
        elif lens.focal_mm is not None:
            candidates.append(lens.focal_mm)
    if not candidates:
        return wanted
    return min(candidates, key=lambda focal: abs(math.log(focal / wanted)))


# ------------------------------------------------------------- the session
class ScoutSession:
    """A scouting session: a set, the camera walking it, the lens, marks and the plan.

    Parameters
    ----------
    set_model : SetModel or None
        The set being scouted.
    set_spec : str, keyword-only
        How the set was named (``builtin:demo`` or a file); written into a new plan.
    library : RigLibrary or None, keyword-only
        Camera bodies and lens kits (needed to pick a body or a kit).
    body : str or None, keyword-only
        ``"BODY[:MODE]"`` to start with (default: the plan's, else full frame 36 × 24 mm).
    lens_kit : str or None, keyword-only
        Lens kit to start with (default: the plan's, else none: any focal length).
    plan : ShotPlan or None, keyword-only
        A plan read from its file (``plan.source``); its marks are loaded.
    plan_path : str, path-like or None, keyword-only
        Where marks are saved when no ``plan`` is given (a new plan is created there).
    takes : sequence of Take, keyword-only
        Performers placed on the stage.
    resolution : (int, int) or None, keyword-only
        Output frame size (default: the plan's, else 1920 × 1080).
    delivery_aspect : float, str or None, keyword-only
        Delivery aspect the guides mask (default: the plan's, else 2.39); ``"frame"``
        or 0 for none.
    stills_dir : str, path-like or None, keyword-only
        Folder for snapshots (default: ``stills/`` beside the plan, else in the
        current folder).
    """

    def __init__(
        self,
        set_model: SetModel | None,
        *,
        set_spec: str = "builtin:demo",
        library: RigLibrary | None = None,
        body: str | None = None,
        lens_kit: str | None = None,
        plan: ShotPlan | None = None,
        plan_path: str | os.PathLike[str] | None = None,
        takes: Sequence[Take] = (),
        resolution: tuple[int, int] | None = None,
        delivery_aspect: float | str | None = None,
        stills_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        self.set_model = set_model
        self.set_spec = set_spec
        self.library = library
        self.takes = tuple(takes)
        self.plan = plan
        self.plan_path: Path | None = (
            plan.source if plan is not None and plan.source is not None
            else Path(plan_path) if plan_path is not None else None
        )
        sequence = plan.sequence if plan is not None else None
        width, height = resolution or (sequence.resolution if sequence else (1920, 1080))
        if int(width) <= 0 or int(height) <= 0:
            raise InputError(f"output size must be positive, got {width}x{height}")
        self.resolution = (int(width), int(height))
        self.rate: Fraction = sequence.rate if sequence else Fraction(24)
        self.start_frame = sequence.start_frame if sequence else DEFAULT_START_FRAME
        self.fit = plan.camera.fit if plan is not None else CameraInfo().fit
        self.stills_dir = Path(stills_dir) if stills_dir is not None else None
        self.settings = NavSettings()
        self._listeners: list[Callable[[str], None]] = []
        self._renderer: FrameRenderer | None = None
        self._still_count = 0
        self._fov_cache: tuple[tuple[float, CameraInfo], float] | None = None

        # camera body and lens kit
        plan_body = plan.camera.body if plan is not None else None
        self.body_spec: str | None = self._canonical_body(body or plan_body)
        self.default_body: str | None = self._canonical_body(plan_body) if plan else self.body_spec
        kit_name = lens_kit or (plan.camera.lens_kit if plan is not None else None)
        self.kit: LensKit | None = self._find_kit(kit_name)
        self._camera_info = self._make_camera_info()

        # delivery aspect and overlays
        if delivery_aspect is None:
            aspect: float | None = sequence.aspect if sequence and sequence.aspect else 2.39
        else:
            aspect = self._parse_delivery(delivery_aspect)
        self.delivery_aspect = aspect
        self.guides_visible = True
        self.burnins_visible = True

        # lens and camera
        self.focal_mm = snap_focal(self.kit, 35.0)
        self.focus_m = _FOCUS_INFINITY
        self.f_stop = DEFAULT_F_STOP
        self.nav = NavState(self._start_pose())
        self.time_s = 0.0

        # marks: ``_origin`` maps a mark's current name to its name in the plan file
        self.marks: list[Mark] = list(plan.marks) if plan is not None else []
        self._origin: dict[str, str] = {m.name: m.name for m in self.marks}
        self.current_mark: str | None = None
        self.dirty = False
        if self.marks:
            self.go_to_mark(self.marks[0].name)
            self.dirty = False

    # ------------------------------------------------------------ building
    @classmethod
    def open(
        cls,
        set_spec: str | None = None,
        *,
        plan: str | os.PathLike[str] | None = None,
        body: str | None = None,
        lens_kit: str | None = None,
        takes: Sequence[Take] = (),
        resolution: tuple[int, int] | None = None,
        delivery_aspect: float | str | None = None,
        stills_dir: str | os.PathLike[str] | None = None,
        up_axis: str | None = None,
        units: str | None = None,
    ) -> ScoutSession:
        """Load the set, the rig library and the plan (when its file exists) and start.

        Parameters
        ----------
        set_spec : str or None
            A set file or ``builtin:demo``; default: the plan's set, else the demo set.
        plan : str, path-like or None, keyword-only
            A shot plan: read when it exists, else created there on the first save.
        takes : sequence of Take, keyword-only
            Performers; default: the plan's (see :func:`previz.io.plan_assets.plan_takes`).
        up_axis, units : str or None, keyword-only
            Reader options for a set file.

        See the class for the other parameters.
        """
        from previz.io.datafiles import load_rig_library
        from previz.io.set_source import BUILTIN_DEMO, load_set

        shot_plan = None
        if plan is not None and Path(plan).exists():
            from previz.io.shotplan_toml import read_plan

            shot_plan = read_plan(plan)
        if set_spec is None and shot_plan is not None:
            from previz.io.plan_assets import plan_set

            ref = shot_plan.set
            spec = ref.path if ref.is_builtin else os.fspath(shot_plan.resolve(ref.path))
            model = plan_set(shot_plan)
        else:
            spec = set_spec or BUILTIN_DEMO
            model = load_set(spec, up_axis=up_axis, units=units)
        if not takes and shot_plan is not None:
            from previz.io.plan_assets import plan_takes

            takes = plan_takes(shot_plan)
        return cls(model, set_spec=spec, library=load_rig_library(), body=body,
                   lens_kit=lens_kit, plan=shot_plan, plan_path=plan, takes=takes,
                   resolution=resolution, delivery_aspect=delivery_aspect,
                   stills_dir=stills_dir)

    def _start_pose(self) -> Pose:
        """Eye height at the middle of the set's near (-Y) edge, looking across it (+Y)."""
        if self.set_model is None or not self.set_model.parts:
            return Pose((0.0, -5.0, 1.6))
        low, high = self.set_model.bounds()
        centre_x = float(low[0] + high[0]) / 2
        depth = float(high[1] - low[1])
        return Pose((centre_x, float(low[1]) + 0.1 * depth, 1.6))

    # ------------------------------------------------------------ listeners
    def subscribe(self, listener: Callable[[str], None]) -> None:
        """Call ``listener(what)`` after every change (``what`` from :data:`CHANGES`)."""
        self._listeners.append(listener)

    def unsubscribe(self, listener: Callable[[str], None]) -> None:
        """Stop calling ``listener``."""
        if listener in self._listeners:
            self._listeners.remove(listener)

    def _notify(self, what: str) -> None:
        for listener in list(self._listeners):
            listener(what)

    # ------------------------------------------------------------ facts
    @property
    def frame_aspect(self) -> float:
        """Width over height of the output frame."""
        return self.resolution[0] / self.resolution[1]

    @property
    def duration(self) -> float:
        """Seconds of the longest performer take (0 without performers)."""
        ends = [float(t.placement.time_offset + t.duration) for t in self.takes]
        return max([0.0, *ends])

    @property
    def set_name(self) -> str:
        """The set's name."""
        return self.set_model.name if self.set_model is not None else "(no set)"

    def camera_info(self) -> CameraInfo:
        """Film back, squeeze, fit and names of the current body and lens kit."""
        return self._camera_info

    def view(self, size: tuple[int, int] | None = None) -> ViewCamera:
        """The current camera as a view of ``size`` pixels (default: the output size)."""
        width, height = size or self.resolution
        pose = self.nav.pose
        return ViewCamera.from_pan_tilt_roll(
            pose.position, pose.pan_tilt_roll, focal_mm=self.focal_mm, size=(width, height),
            camera=self._camera_info, focus_m=self.focus_m, f_stop=self.f_stop)

    def vertical_fov_deg(self) -> float:
        """Vertical angle of view of the output frame, degrees."""
        key = (self.focal_mm, self._camera_info)
        if self._fov_cache is None or self._fov_cache[0] != key:
            self._fov_cache = (key, self.view().vertical_fov_deg())
        return self._fov_cache[1]

    def current_lens(self) -> LensSpec | None:
        """The kit's lens at the current focal length (None without a kit or off the kit)."""
        if self.kit is None:
            return None
        for lens in self.kit.lenses:
            if lens.covers(self.focal_mm):
                return lens
        return None

    def body_label(self) -> str:
        """``"ARRI ALEXA 35 4.6K 16:9"`` for the current body ("" for the default film back)."""
        if self.body_spec is None or self.library is None:
            return ""
        body, mode = self.library.body_and_mode(self.body_spec)
        return f"{body.display_name} {mode.label}"

    def lens_label(self) -> str:
        """``"Cooke S4/i 32mm"`` for the current lens ("" without a kit)."""
        lens = self.current_lens()
        if self.kit is None:
            return ""
        return f"{self.kit.display_name} {lens.name if lens else f'{self.focal_mm:g}mm'}"

    def body_choices(self) -> list[tuple[str, str]]:
        """Every ``("BODY:MODE", label)`` of the rig library."""
        if self.library is None:
            return []
        return [(f"{body.name}:{mode.name}", f"{body.display_name} — {mode.label}")
                for body in self.library.cameras.values() for mode in body.modes]

    def kit_choices(self) -> list[tuple[str, str]]:
        """Every ``(name, label)`` lens kit of the rig library."""
        if self.library is None:
            return []
        return [(kit.name, kit.display_name) for kit in self.library.lens_kits.values()]

    def frame_number(self) -> int:
        """The sequence frame at the current time."""
        return self.start_frame + round(self.time_s * float(self.rate))

    def guides(self) -> Guides | None:
        """The framing guides to show (None when hidden)."""
        if not self.guides_visible:
            return None
        aspects = () if self.delivery_aspect is None else (self.delivery_aspect,)
        return Guides(aspects=aspects)

    def burnins(self, view: ViewCamera | None = None) -> Burnins | None:
        """Burn-ins for the current camera (None when hidden)."""
        if not self.burnins_visible:
            return None
        from previz.render.frame import lens_burnins

        return lens_burnins(
            view or self.view(), shot=self.current_mark or self.set_name,
            body=self.body_label(), lens=self.lens_label(),
            frame=self.frame_number() if self.takes else None)

    # ------------------------------------------------------------ lens
    def _lens(self) -> LensSpec:
        lens = self.current_lens()
        return lens if lens is not None else LensSpec("any")

    def set_focal(self, focal_mm: float) -> None:
        """Put the lens at ``focal_mm``.

        Raises
        ------
        InputError
            When the lens kit has no lens at that focal length (naming the kit's
            lenses) or the value is not a positive number.
        """
        focal = float(focal_mm)
        if not (math.isfinite(focal) and focal > 0):
            raise InputError(f"focal length must be a positive number of mm, got {focal_mm!r}")
        if self.kit is not None:
            lens = self.kit.lens_for(focal)
            if lens.t_stop is not None and self.f_stop < lens.t_stop:
                self.f_stop = lens.t_stop
        if focal != self.focal_mm:
            self.focal_mm = focal
            self.current_mark = None
        self._notify("lens")

    def step_focal(self, steps: int) -> float:
        """Change to the next (``steps`` > 0) or previous prime, or zoom by 5 % a step."""
        primes = kit_primes(self.kit)
        if primes and self._lens().focal_range_mm is None:
            index = min(range(len(primes)), key=lambda i: abs(primes[i] - self.focal_mm))
            focal = primes[max(0, min(len(primes) - 1, index + steps))]
        else:
            focal = snap_focal(self.kit, self.focal_mm * 1.05 ** steps)
        self.set_focal(focal)
        return self.focal_mm

    def set_focus(self, focus_m: float) -> None:
        """Focus at ``focus_m`` metres (``inf`` or 0: infinity)."""
        focus = float(focus_m)
        if focus == 0 or math.isinf(focus):
            focus = _FOCUS_INFINITY
        if not (focus > 0 and not math.isnan(focus)):
            raise InputError(f"focus must be a positive number of metres, got {focus_m!r}")
        self.focus_m = focus
        self._notify("lens")

    def set_f_stop(self, f_stop: float) -> None:
        """Set the iris (an f-number)."""
        value = float(f_stop)
        if not (math.isfinite(value) and value > 0):
            raise InputError(f"f-stop must be a positive number, got {f_stop!r}")
        self.f_stop = value
        self._notify("lens")

    # ------------------------------------------------------------ body and kit
    def _canonical_body(self, spec: str | None) -> str | None:
        if spec is None:
            return None
        if self.library is None:
            raise InputError(f"camera body {spec!r} needs the rig library")
        body, mode = self.library.body_and_mode(spec)
        return f"{body.name}:{mode.name}"

    def _find_kit(self, name: str | None) -> LensKit | None:
        if name is None:
            return None
        if self.library is None:
            raise InputError(f"lens kit {name!r} needs the rig library")
        return self.library.lens_kit(name)

    def _make_camera_info(self) -> CameraInfo:
        info = CameraInfo(fit=self.fit, aspect=self.frame_aspect)
        if self.body_spec is not None and self.library is not None:
            info = info.on_body(*self.library.body_and_mode(self.body_spec))
        if self.kit is not None:
            info = info.with_lens_kit(self.kit)
        return info

    def set_body(self, spec: str | None) -> None:
        """Change the camera body and sensor mode (``"BODY[:MODE]"``; None: full frame).

        Raises
        ------
        InputError
            Naming the valid bodies or modes.
        """
        self.body_spec = self._canonical_body(spec)
        self._camera_info = self._make_camera_info()
        self.current_mark = None
        self._notify("camera")

    def set_lens_kit(self, name: str | None) -> None:
        """Change the lens kit (None: any focal length); the focal length snaps to the kit."""
        self.kit = self._find_kit(name)
        self._camera_info = self._make_camera_info()
        self.current_mark = None
        self.focal_mm = snap_focal(self.kit, self.focal_mm)
        self._notify("camera")

    # ------------------------------------------------------------ guides
    @staticmethod
    def _parse_delivery(value: float | str | None) -> float | None:
        if value is None or value in ("frame", "none", "") or value == 0:
            return None
        try:
            return parse_aspect(value)
        except ValueError as error:
            raise InputError(f"delivery aspect: {error}") from None

    def set_delivery_aspect(self, value: float | str | None) -> None:
        """Mask and outline this delivery aspect (``2.39``, ``"16:9"``; None: the frame's)."""
        self.delivery_aspect = self._parse_delivery(value)
        self._notify("guides")

    def set_guides_visible(self, visible: bool) -> None:
        """Show or hide the framing guides."""
        self.guides_visible = bool(visible)
        self._notify("guides")

    def set_burnins_visible(self, visible: bool) -> None:
        """Show or hide the burn-ins."""
        self.burnins_visible = bool(visible)
        self._notify("lens")

    # ------------------------------------------------------------ moving
    def _moved(self, state: NavState) -> bool:
        if state is self.nav or state == self.nav:
            return False
        self.nav = state
        if self.current_mark is not None:
            self.current_mark = None
            self._notify("lens")  # the burn-ins name the mark
        self._notify("view")
        return True

    def move(self, held: Sequence[str] | set[str] | frozenset[str], dt: float) -> bool:
        """Advance the camera ``dt`` seconds with these moves held (see navigation.MOVES).

        Returns whether the camera moved.
        """
        return self._moved(step(self.nav, held, dt, self.settings))

    def look(self, dx_px: float, dy_px: float, viewport_height_px: int) -> bool:
        """Turn the camera by a drag of ``dx_px``, ``dy_px`` in a viewport that tall."""
        rate = degrees_per_pixel(self.vertical_fov_deg(), viewport_height_px)
        return self._moved(look(self.nav, dx_px, dy_px, rate))

    def set_pose(self, position: Sequence[float], pan: float = 0.0, tilt: float = 0.0,
                 roll: float = 0.0) -> None:
        """Put the camera at a position with pan, tilt and roll degrees."""
        self._moved(with_pose(self.nav, Pose(tuple(position), pan, tilt, roll)))

    def set_mode(self, mode: str) -> None:
        """``"fly"`` or ``"walk"`` (walk holds the camera at the eye height)."""
        try:
            state = set_mode(self.nav, mode)
        except ValueError as error:
            raise InputError(str(error)) from None
        if not self._moved(state):
            self._notify("view")

    def set_eye_height(self, metres: float) -> None:
        """Set walk mode's eye height (the camera drops or rises to it in walk mode)."""
        try:
            state = set_mode(self.nav, self.nav.mode, eye_height_m=float(metres))
        except ValueError as error:
            raise InputError(str(error)) from None
        if not self._moved(state):
            self._notify("view")

    def set_speed(self, metres_per_second: float) -> None:
        """Set the travel speed."""
        try:
            self.settings = replace(self.settings, speed_m_s=float(metres_per_second))
        except ValueError as error:
            raise InputError(str(error)) from None

    def set_time(self, seconds: float) -> None:
        """Move the performers to ``seconds`` on the stage timeline (kept within the takes)."""
        value = float(seconds)
        if math.isnan(value):
            raise InputError("time must be a number of seconds")
        self.time_s = min(self.duration, max(0.0, value))
        self._notify("time")

    # ------------------------------------------------------------ marks
    def mark_names(self) -> list[str]:
        """The marks' names, in order."""
        return [m.name for m in self.marks]

    def mark(self, name: str) -> Mark:
        """Return a mark by name, or raise naming the valid ones."""
        for mark in self.marks:
            if mark.name == name:
                return mark
        raise InputError(f"no mark {name!r}; valid: {', '.join(self.mark_names()) or '(none)'}")

    def _index(self, name: str) -> int:
        return self.marks.index(self.mark(name))

    def _check_new_name(self, name: str) -> str:
        text = str(name).strip()
        if not text:
            raise InputError("a mark needs a name")
        if text in self.mark_names():
            raise InputError(f"there is already a mark called {text!r}")
        return text

    def next_mark_name(self) -> str:
        """``mark-N``, one more than the highest such name."""
        numbers = [int(m.group(1)) for m in map(_MARK_NAME.match, self.mark_names()) if m]
        return f"mark-{max([0, *numbers]) + 1}"

    def _mark_here(self, name: str, note: str) -> Mark:
        pose = self.nav.pose
        body = self.body_spec if self.body_spec != self.default_body else None
        return Mark(name=name, position=pose.position, focal=self.focal_mm, pan=pose.pan,
                    tilt=pose.tilt, roll=pose.roll, focus=self.focus_m, f_stop=self.f_stop,
                    body=body, note=note)

    def add_mark(self, name: str | None = None, note: str = "") -> Mark:
        """Mark the current camera: pose, lens, focus, iris, body and a note.

        Raises
        ------
        InputError
            When a mark of that name exists or the name is empty.
        """
        mark = self._mark_here(self._check_new_name(name or self.next_mark_name()), note)
        self.marks.append(mark)
        self.current_mark = mark.name
        self.dirty = True
        self._notify("marks")
        self._notify("lens")
        return mark

    def update_mark(self, name: str) -> Mark:
        """Move an existing mark to the current camera (its name and note stay)."""
        index = self._index(name)
        mark = self._mark_here(name, self.marks[index].note)
        self.marks[index] = mark
        self.current_mark = name
        self.dirty = True
        self._notify("marks")
        return mark

    def rename_mark(self, old: str, new: str) -> Mark:
        """Rename a mark (saving keeps its table and comments in the plan file)."""
        index = self._index(old)
        if str(new).strip() == old:
            return self.marks[index]
        new_name = self._check_new_name(new)
        self.marks[index] = replace(self.marks[index], name=new_name)
        if old in self._origin:
            self._origin[new_name] = self._origin.pop(old)
        if self.current_mark == old:
            self.current_mark = new_name
        self.dirty = True
        self._notify("marks")
        self._notify("lens")
        return self.marks[index]

    def set_mark_note(self, name: str, note: str) -> Mark:
        """Replace a mark's note."""
        index = self._index(name)
        if self.marks[index].note != note:
            self.marks[index] = replace(self.marks[index], note=str(note))
            self.dirty = True
            self._notify("marks")
        return self.marks[index]

    def delete_mark(self, name: str) -> None:
        """Remove a mark."""
        del self.marks[self._index(name)]
        self._origin.pop(name, None)
        if self.current_mark == name:
            self.current_mark = None
        self.dirty = True
        self._notify("marks")
        self._notify("lens")

    def go_to_mark(self, name: str) -> Mark:
        """Put the camera, lens, focus, iris and body where a mark says."""
        mark = self.mark(name)
        self.nav = with_pose(self.nav, Pose(mark.position, mark.pan, mark.tilt, mark.roll))
        self.focal_mm = mark.focal
        self.focus_m = mark.focus
        self.f_stop = mark.aperture
        body = mark.body if mark.body is not None else self.default_body
        if self._canonical_body(body) != self.body_spec:
            self.body_spec = self._canonical_body(body)
            self._camera_info = self._make_camera_info()
            self._notify("camera")
        self.current_mark = name
        self._notify("view")
        self._notify("lens")
        return mark

    # ------------------------------------------------------------ the plan
    def _set_path_for_plan(self) -> str:
        if self.set_spec.startswith("builtin:"):
            return self.set_spec
        return os.fspath(Path(self.set_spec).resolve())

    def save_plan(self, path: str | os.PathLike[str] | None = None) -> Path:
        """Save the marks into the plan file, creating the plan when there is none yet.

        The user's comments and key order are kept (renamed marks keep their
        tables). The lens kit and delivery aspect are written when they changed.

        Parameters
        ----------
        path : str, path-like or None
            The plan file (default: the session's). A new file gets a plan with
            this set, the output size and the camera body and kit.

        Raises
        ------
        InputError
            With no path and no plan yet, or ``path`` is another existing file.
        """
        from previz.io.shotplan_toml import new_plan, read_plan, save_marks, write_plan

        target = Path(path) if path is not None else self.plan_path
        if target is None:
            raise InputError("the marks have no plan file yet: give a path to save them to")
        ours = self.plan_path is not None and target.resolve() == self.plan_path.resolve()
        if target.exists() and not ours:
            raise InputError(f"{target}: already exists; save the marks into a new file")
        origin = self._origin if target.exists() else {}
        if not target.exists():
            new_plan(target, self._set_path_for_plan(), title=f"Scouting {self.set_name}",
                     rate=self.rate, resolution=self.resolution, start_frame=self.start_frame,
                     body=self.default_body, lens_kit=self.kit.name if self.kit else None)
        renamed = {file_name: name for name, file_name in origin.items() if name != file_name}
        plan = save_marks(target, self.marks, renamed=renamed)
        kit_name = self.kit.name if self.kit is not None else None
        changes: dict[str, Any] = {}
        if kit_name is not None and plan.camera.lens_kit != kit_name:
            changes["camera"] = replace(plan.camera, lens_kit=kit_name)
        aspect = plan.sequence.aspect
        if self.delivery_aspect is not None and (
                aspect is None or not math.isclose(aspect, self.delivery_aspect, rel_tol=1e-6)):
            changes["sequence"] = replace(plan.sequence, aspect=round(self.delivery_aspect, 6))
        if changes:
            write_plan(replace(plan, **changes), target)
            plan = read_plan(target)
        self.plan = plan
        self.plan_path = target
        self._origin = {m.name: m.name for m in self.marks}
        self.dirty = False
        self._notify("plan")
        return target

    # ------------------------------------------------------------ stills
    def next_still_path(self) -> Path:
        """``stills/<mark or set>_<focal>mm_<NNN>.png`` beside the plan (or here)."""
        folder = self.stills_dir
        if folder is None:
            folder = (self.plan_path.parent if self.plan_path is not None else Path()) / "stills"
        stem = re.sub(r"[^A-Za-z0-9._-]+", "-", self.current_mark or self.set_name).strip("-")
        while True:
            self._still_count += 1
            path = folder / f"{stem or 'still'}_{self.focal_mm:g}mm_{self._still_count:03d}.png"
            if not path.exists():
                return path

    def snapshot(self, path: str | os.PathLike[str] | None = None, *,
                 size: tuple[int, int] | None = None) -> Path:
        """Render the current view with guides and burn-ins to a PNG file.

        The still is rendered off-screen at the output size (``size`` must have
        the same aspect), so it is exactly what ``previz render`` would write.

        Returns
        -------
        Path
            The file written (see :meth:`next_still_path` for the default).
        """
        from previz.render.frame import FrameRenderer

        size = tuple(int(v) for v in (size or self.resolution))  # type: ignore[assignment]
        if not math.isclose(size[0] / size[1], self.frame_aspect, rel_tol=1e-9):
            raise InputError(f"still size {size[0]}x{size[1]} is not the frame's aspect "
                             f"{self.resolution[0]}x{self.resolution[1]}")
        if self._renderer is None or self._renderer.size != size:
            self.close()
            self._renderer = FrameRenderer(self.set_model, size, self.takes)
        renderer = self._renderer
        renderer.scene.set_guides(self.guides(), self.frame_aspect)
        view = self.view(size)
        target = Path(path) if path is not None else self.next_still_path()
        target.parent.mkdir(parents=True, exist_ok=True)
        return renderer.save(view, target, stage_time=self.time_s if self.takes else None,
                             burnins=self.burnins(view))

    def close(self) -> None:
        """Release the off-screen renderer used for stills."""
        if self._renderer is not None:
            self._renderer.close()
            self._renderer = None
