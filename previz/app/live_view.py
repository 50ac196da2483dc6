"""What the live camera app shows, without Qt: the view, the guides and the burn-ins.

:class:`LiveCamera` turns the tracked camera's latest
:class:`~previz.live.vcam.CameraSample` (filtered pose, lens from the
encoders) into the :class:`~previz.core.projection.ViewCamera` the viewport
renders, on the chosen body's film back, and writes the burn-ins the camera
operator reads: slate and take, take state (REC with the elapsed time, or
STANDBY), body, lens, focal length, focus, iris and a time-of-day timecode.
The widgets (:mod:`previz.app.live_viewport`) only draw what it returns, so
all of this is tested without a display.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field, replace
from fractions import Fraction

from previz.core.camera_path import CameraInfo
from previz.core.projection import ViewCamera
from previz.core.rig import LensKit, RigLibrary
from previz.core.shotplan import ShotPlan
from previz.core.time import timecodes
from previz.errors import InputError
from previz.live.vcam import CameraSample
from previz.render.frame import lens_burnins
from previz.render.guides import Burnins, Guides

__all__ = [
    "DEFAULT_RESOLUTION",
    "WAITING_POSE",
    "LiveCamera",
    "TakeState",
    "format_elapsed",
    "time_of_day_timecode",
]

#: Output frame size when none is given (the frame's aspect is what matters).
DEFAULT_RESOLUTION = (1920, 1080)

#: Where the view sits before the device has sent anything: eye height, 5 m back, looking +Y.
WAITING_POSE = ((0.0, -5.0, 1.6), (0.0, 0.0, 0.0, 1.0))

# Wall-clock seconds minus monotonic seconds (samples carry monotonic receive times).
_UNIX_MINUS_MONOTONIC = time.time() - time.monotonic()


def format_elapsed(seconds: float) -> str:
    """``"00:12.4"`` (minutes, seconds, tenths), ``"1:02:03.4"`` past an hour."""
    tenths = max(0, int(seconds * 10.0))
    minutes, rest = divmod(tenths, 600)
    hours, minutes = divmod(minutes, 60)
    text = f"{minutes:02d}:{rest // 10:02d}.{rest % 10}"
    return f"{hours}:{text}" if hours else text


def time_of_day_timecode(received: float, rate: Fraction) -> str:
    """The local time of day of a monotonic receive time, as ``HH:MM:SS:FF`` at ``rate``."""
    stamp = received + _UNIX_MINUS_MONOTONIC
    local = time.localtime(stamp)
    seconds = local.tm_hour * 3600 + local.tm_min * 60 + local.tm_sec + (stamp % 1.0)
    return timecodes([math.floor(seconds * float(rate))], rate)[0]


@dataclass(frozen=True)
class TakeState:
    """The recording state the burn-ins show.

    Parameters
    ----------
    slate : str
        Slate name ("" for none).
    take : str
        The take being recorded, else the last one finished ("" for none).
    recording : bool
        True while a take is being recorded.
    elapsed_s : float
        Seconds since the take started (when recording).
    signal : str
        ``""`` while samples arrive, else what to say instead (``"WAITING FOR …"``,
        ``"NO SIGNAL 3 s"``).
    """

    slate: str = ""
    take: str = ""
    recording: bool = False
    elapsed_s: float = 0.0
    signal: str = ""

    def label(self) -> str:
        """``"REC 00:12.4"`` or ``"STANDBY"``, with the signal state when there is one."""
        state = f"REC {format_elapsed(self.elapsed_s)}" if self.recording else "STANDBY"
        return f"{state}  {self.signal}" if self.signal else state


@dataclass(frozen=True)
class LiveCamera:
    """The film back, lens kit, output frame and guides the live view is shown with.

    Parameters
    ----------
    info : CameraInfo
        Film back, squeeze and sensor fit (and the body and kit names).
    resolution : (int, int)
        Output frame size in pixels; the viewport shows this aspect.
    kit : LensKit or None
        The lens kit, for the lens name in the burn-ins.
    body_label : str
        ``"ARRI ALEXA 35 4.6K 16:9"`` for the burn-ins ("" for the default film back).
    delivery_aspect : float or None
        The delivery aspect the guides mask (None: the frame's own).
    rate : Fraction
        Frame rate of the timecode burn-in.
    """

    info: CameraInfo = field(default_factory=CameraInfo)
    resolution: tuple[int, int] = DEFAULT_RESOLUTION
    kit: LensKit | None = None
    body_label: str = ""
    delivery_aspect: float | None = 2.39
    rate: Fraction = Fraction(24)

    def __post_init__(self) -> None:
        width, height = (int(v) for v in self.resolution)
        if width <= 0 or height <= 0:
            raise InputError(f"output size must be positive, got {width}x{height}")
        object.__setattr__(self, "resolution", (width, height))
        object.__setattr__(self, "info", replace(self.info, aspect=width / height))

    @classmethod
    def from_rig(cls, library: RigLibrary | None, body: str | None = None,
                 lens_kit: str | None = None, *, resolution: tuple[int, int] | None = None,
                 delivery_aspect: float | None = 2.39) -> LiveCamera:
        """Build from a rig library's ``"BODY[:MODE]"`` and lens kit names.

        Raises
        ------
        InputError
            Naming the valid bodies, modes or kits (or when a name is given without
            a library).
        """
        info = CameraInfo()
        label = ""
        kit = None
        if (body or lens_kit) and library is None:
            raise InputError("a camera body or lens kit needs the rig library")
        if body and library is not None:
            camera_body, mode = library.body_and_mode(body)
            info = info.on_body(camera_body, mode)
            label = f"{camera_body.display_name} {mode.label}"
        if lens_kit and library is not None:
            kit = library.lens_kit(lens_kit)
            info = info.with_lens_kit(kit)
        return cls(info, resolution or DEFAULT_RESOLUTION, kit, label, delivery_aspect)

    @classmethod
    def from_plan(cls, plan: ShotPlan, library: RigLibrary | None, shot_id: str | None = None,
                  *, body: str | None = None, lens_kit: str | None = None,
                  resolution: tuple[int, int] | None = None) -> LiveCamera:
        """Build from a shot plan: its body (a shot's own), lens kit, fit, frame, guides and rate.

        ``body``, ``lens_kit`` and ``resolution`` override the plan's.

        Raises
        ------
        InputError
            For an unknown shot; for a body or kit the rig library lacks, naming
            the plan file and its key.
        """
        plan_body = plan.body_spec(shot_id) if shot_id is not None else plan.camera.body
        names = (body or plan_body, lens_kit or plan.camera.lens_kit)
        try:
            camera = cls.from_rig(library, *names,
                                  resolution=resolution or plan.sequence.resolution,
                                  delivery_aspect=plan.sequence.aspect or 2.39)
        except InputError as error:
            if names == (body, lens_kit):
                raise  # every name came from the caller: the mistake is not the plan's
            raise InputError(f"{plan.source}: camera: {error}") from None
        return replace(camera, info=replace(camera.info, fit=plan.camera.fit),
                       rate=plan.sequence.rate)

    @property
    def frame_aspect(self) -> float:
        """Width over height of the output frame."""
        return self.resolution[0] / self.resolution[1]

    def lens_label(self, focal_mm: float) -> str:
        """``"Cooke S4/i 32mm"``: the kit's lens at this focal length ("" without a kit)."""
        if self.kit is None:
            return ""
        for lens in self.kit.lenses:
            if lens.covers(focal_mm):
                return f"{self.kit.display_name} {lens.name}"
        return f"{self.kit.display_name} (off kit)"

    def view(self, sample: CameraSample | None, *, fallback_focal_mm: float = 35.0
             ) -> ViewCamera:
        """The view through the tracked camera: the sample's filtered pose and its lens.

        Without a sample the camera waits at :data:`WAITING_POSE`. A lens value
        the device got wrong (not a positive finite focal length, a negative
        focus) falls back to ``fallback_focal_mm`` and infinity.

        Raises
        ------
        ValueError
            When the pose is not finite or the orientation is not a rotation.
        """
        if sample is None:
            position, orientation = WAITING_POSE
            focal, focus, f_stop = fallback_focal_mm, math.inf, 2.8
        else:
            position, orientation = sample.position, sample.orientation
            focal = sample.focal_mm
            focus = sample.focus_m
            f_stop = sample.f_stop
            if not (math.isfinite(focal) and focal > 0):
                focal = fallback_focal_mm
            if not focus > 0:  # NaN too
                focus = math.inf
            if not (math.isfinite(f_stop) and f_stop > 0):
                f_stop = 2.8
        norm = math.sqrt(sum(v * v for v in orientation))
        if not (math.isfinite(norm) and norm > 1e-9):
            raise ValueError(f"orientation {tuple(orientation)} is not a rotation")
        return ViewCamera.from_quaternion(position, [v / norm for v in orientation],
                                          focal_mm=focal, size=self.resolution,
                                          camera=self.info, focus_m=focus, f_stop=f_stop)

    def guides(self) -> Guides:
        """Frame lines for the delivery aspect, thirds, centre cross and safe areas."""
        return Guides(aspects=() if self.delivery_aspect is None else (self.delivery_aspect,))

    def burnins(self, view: ViewCamera, state: TakeState,
                sample: CameraSample | None = None) -> Burnins:
        """The operator's burn-ins.

        Top left: slate and take; top: REC with the elapsed time, or STANDBY (and
        the signal state); top right: body; bottom left: lens, focal length, iris
        and focus; bottom right: time-of-day timecode of the sample.
        """
        lens = lens_burnins(view, lens=self.lens_label(view.optics.lens.focal_mm))
        texts = dict(lens.texts)
        slate = "  ".join(part for part in (
            f"SLATE {state.slate}" if state.slate else "",
            f"TAKE {state.take}" if state.take else "") if part)
        timecode = ""
        if sample is not None:
            timecode = f"TC {time_of_day_timecode(sample.received, self.rate)}"
        return Burnins.of(top_left=slate, top=state.label(), top_right=self.body_label,
                          bottom_left=texts.get("bottom_left", ""), bottom_right=timecode)
