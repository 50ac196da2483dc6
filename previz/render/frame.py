"""Off-screen frames: render a view of the stage to an RGB array or a PNG file."""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np
from numpy.typing import NDArray

from previz.core.projection import ViewCamera
from previz.core.set_model import SetModel
from previz.core.take import Take
from previz.errors import InputError
from previz.io.files import atomic_output
from previz.render.guides import Burnins, Guides
from previz.render.scene import StageScene, configure_fast_rendering

__all__ = ["FrameRenderer", "lens_burnins", "write_png"]


def lens_burnins(view: ViewCamera, *, shot: str = "", body: str = "", lens: str = "",
                 frame: int | None = None, timecode: str = "") -> Burnins:
    """Return the standard burn-ins for a view: shot, body, lens, focal, focus, frame, timecode.

    Top left: shot; top right: camera body; bottom left: lens, focal length,
    focus and iris; bottom right: frame and timecode.
    """
    lens_state = view.optics.lens
    focus = lens_state.focus_m
    focus_text = "inf" if math.isinf(focus) else f"{focus:.2f} m"
    optics_line = f"{lens_state.focal_mm:.1f} mm  f/{lens_state.f_stop:g}  focus {focus_text}"
    lens_text = f"{lens}\n{optics_line}" if lens else optics_line
    time_text = "  ".join(part for part in (
        "" if frame is None else f"frame {frame}", timecode) if part)
    return Burnins.of(top_left=shot, top_right=body, bottom_left=lens_text,
                      bottom_right=time_text)


def _prefer_headless_window() -> None:
    """With no X display, ask VTK for an EGL window straight away.

    Otherwise VTK first tries X, prints a warning about the missing display,
    and only then falls back to EGL. A user-set ``VTK_DEFAULT_OPENGL_WINDOW`` wins.
    """
    if not os.environ.get("DISPLAY") and sys.platform.startswith("linux"):
        os.environ.setdefault("VTK_DEFAULT_OPENGL_WINDOW", "vtkEGLRenderWindow")


def write_png(image: NDArray[np.uint8], target: str | os.PathLike[str]) -> Path:
    """Write an RGB(A) image to a PNG file (temporary name, then moved into place)."""
    from PIL import Image

    with atomic_output(target, "wb") as stream:
        Image.fromarray(np.ascontiguousarray(image)).save(stream, format="PNG")
    return Path(target)


class FrameRenderer:
    """Renders views of a set with performers, guides and burn-ins, off-screen.

    Parameters
    ----------
    set_model : SetModel or None
        The set.
    size : (int, int)
        Output width and height in pixels; every view rendered must have this size.
    takes : sequence of Take
        Performers, placed on the stage.
    guides : Guides or None, keyword-only
        Framing guides (None: none).
    loop : bool, keyword-only
        Loop the performers' takes.
    anti_aliasing : bool, keyword-only
        Smooth edges with FXAA (slower).

    Examples
    --------
    >>> with FrameRenderer(model, (1280, 720)) as renderer:  # doctest: +SKIP
    ...     image = renderer.render(view)
    """

    def __init__(self, set_model: SetModel | None, size: tuple[int, int],
                 takes: Sequence[Take] = (), *, guides: Guides | None = None,
                 loop: bool = False, anti_aliasing: bool = False) -> None:
        _prefer_headless_window()
        import pyvista as pv

        width, height = (int(v) for v in size)
        if width <= 0 or height <= 0:
            raise InputError(f"frame size must be positive, got {width}x{height}")
        self.size = (width, height)
        self.guides = guides
        self.plotter: Any = pv.Plotter(off_screen=True, window_size=self.size,
                                       lighting="none")
        configure_fast_rendering(self.plotter, anti_aliasing=anti_aliasing)
        self.scene = StageScene(self.plotter, set_model, takes, loop=loop)
        self.scene.set_guides(guides, width / height)

    def __enter__(self) -> FrameRenderer:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Release the render window."""
        self.plotter.close()

    def render(self, view: ViewCamera, *, stage_time: float | None = None,
               burnins: Burnins | None = None) -> NDArray[np.uint8]:
        """Render one frame.

        Parameters
        ----------
        view : ViewCamera
            The camera; its size must be the renderer's.
        stage_time : float, optional
            Seconds on the stage timeline to pose the performers at.
        burnins : Burnins, optional
            Texts to burn in.

        Returns
        -------
        numpy.ndarray, shape (height, width, 3), uint8
        """
        if (view.width, view.height) != self.size:
            raise InputError(
                f"view is {view.width}x{view.height} but the renderer makes "
                f"{self.size[0]}x{self.size[1]} frames"
            )
        self.scene.apply_view(view)
        if stage_time is not None:
            self.scene.set_time(stage_time)
        self.scene.set_burnins(burnins)
        self.plotter.render()  # screenshot() alone re-reads the last frame after the first
        return self.plotter.screenshot(return_img=True)

    def save(self, view: ViewCamera, target: str | os.PathLike[str], **options: Any) -> Path:
        """Render one frame (see :meth:`render`) and write it as PNG."""
        return write_png(self.render(view, **options), target)
