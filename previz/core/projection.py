"""The pinhole camera a frame is rendered through: pose, optics and output size.

A :class:`ViewCamera` is everything needed to reproduce one frame exactly: the
camera's position and orientation on the stage (camera frame X right, Y forward,
Z up), its optics (lens on a film back, fitted to the output aspect) and the
output size in pixels. :meth:`ViewCamera.project` is the pinhole model the
renderer is tested against.

Pixel coordinates are continuous: x grows to the right from the left edge of the
image, y grows downwards from the top edge, and pixel ``(i, j)`` (column, row)
covers ``[i, i + 1) × [j, j + 1)`` with its centre at ``(i + 0.5, j + 0.5)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from previz.core.camera_path import CameraInfo, orientations_from_pan_tilt_roll
from previz.core.lens import Optics
from previz.core.rotation import quaternion_to_matrix

__all__ = ["DEFAULT_CLIP_M", "ViewCamera"]

#: Near and far clipping distances (metres) used unless a view says otherwise.
DEFAULT_CLIP_M = (0.05, 5000.0)


@dataclass(frozen=True, eq=False)
class ViewCamera:
    """A camera pose with optics and an output size: one exactly reproducible view.

    Parameters
    ----------
    position : array_like, shape (3,)
        Stage metres.
    rotation : array_like, shape (3, 3)
        Camera → stage rotation (columns: the camera's right, forward and up axes).
    optics : Optics
        Lens on film back; its aspect must be the output's (``width / height``).
    width, height : int
        Output size in pixels.
    clip_m : tuple of float
        Near and far clipping distances, metres.
    """

    position: NDArray[np.float64]
    rotation: NDArray[np.float64]
    optics: Optics
    width: int
    height: int
    clip_m: tuple[float, float] = DEFAULT_CLIP_M

    def __post_init__(self) -> None:
        position = np.asarray(self.position, dtype=np.float64).reshape(3)
        rotation = np.asarray(self.rotation, dtype=np.float64).reshape(3, 3)
        if not (np.isfinite(position).all() and np.isfinite(rotation).all()):
            raise ValueError("camera position and rotation must be finite")
        if not np.allclose(rotation @ rotation.T, np.eye(3), atol=1e-6):
            raise ValueError("camera rotation must be orthonormal")
        if int(self.width) <= 0 or int(self.height) <= 0:
            raise ValueError(f"output size must be positive, got {self.width}x{self.height}")
        aspect = int(self.width) / int(self.height)
        if not math.isclose(self.optics.output_aspect, aspect, rel_tol=1e-9):
            raise ValueError(
                f"optics aspect {self.optics.output_aspect:.6g} differs from the output "
                f"{self.width}x{self.height} ({aspect:.6g})"
            )
        near, far = (float(v) for v in self.clip_m)
        if not (0 < near < far and math.isfinite(far)):
            raise ValueError(f"clipping range must satisfy 0 < near < far, got {self.clip_m}")
        object.__setattr__(self, "position", position)
        object.__setattr__(self, "rotation", rotation)
        object.__setattr__(self, "width", int(self.width))
        object.__setattr__(self, "height", int(self.height))
        object.__setattr__(self, "clip_m", (near, far))

    # ------------------------------------------------------------ building
    @classmethod
    def from_pan_tilt_roll(
        cls,
        position: ArrayLike,
        pan_tilt_roll: ArrayLike,
        *,
        focal_mm: float,
        size: tuple[int, int],
        camera: CameraInfo | None = None,
        focus_m: float = math.inf,
        f_stop: float = 2.8,
        clip_m: tuple[float, float] = DEFAULT_CLIP_M,
    ) -> ViewCamera:
        """Build a view from stage position, pan/tilt/roll degrees and a lens.

        Parameters
        ----------
        position : array_like, shape (3,)
            Stage metres.
        pan_tilt_roll : array_like, shape (3,)
            Degrees, per the stage conventions (pan 0 looks along +Y, positive
            pan turns counter-clockwise seen from above, positive tilt looks up).
        focal_mm : float
            Focal length.
        size : (int, int)
            Output width and height in pixels; the frame's aspect.
        camera : CameraInfo, optional
            Film back, squeeze and sensor fit (default: full frame 36 × 24 mm, fill).
        focus_m, f_stop : float
            Focus distance and iris, for depth of field and burn-ins.
        clip_m : tuple of float
            Near and far clipping distances.
        """
        rotation = orientations_from_pan_tilt_roll(np.asarray(pan_tilt_roll, dtype=float)[None])
        return cls.from_quaternion(position, rotation[0], focal_mm=focal_mm, size=size,
                                   camera=camera, focus_m=focus_m, f_stop=f_stop, clip_m=clip_m)

    @classmethod
    def from_quaternion(
        cls,
        position: ArrayLike,
        quaternion: ArrayLike,
        *,
        focal_mm: float,
        size: tuple[int, int],
        camera: CameraInfo | None = None,
        focus_m: float = math.inf,
        f_stop: float = 2.8,
        clip_m: tuple[float, float] = DEFAULT_CLIP_M,
    ) -> ViewCamera:
        """Build a view from a camera → stage quaternion (x, y, z, w).

        See :meth:`from_pan_tilt_roll` for the other parameters.
        """
        width, height = (int(v) for v in size)
        if width <= 0 or height <= 0:
            raise ValueError(f"output size must be positive, got {width}x{height}")
        info = camera or CameraInfo()
        optics = Optics(info.film_back, _lens(info, focal_mm, focus_m, f_stop),
                        aspect=width / height, fit=info.fit)
        return cls(np.asarray(position, dtype=float), quaternion_to_matrix(quaternion), optics,
                   width, height, clip_m)

    # ------------------------------------------------------------ facts
    @property
    def forward(self) -> NDArray[np.float64]:
        """Unit view direction in stage coordinates."""
        return self.rotation[:, 1]

    @property
    def up(self) -> NDArray[np.float64]:
        """The camera's up direction in stage coordinates."""
        return self.rotation[:, 2]

    @property
    def right(self) -> NDArray[np.float64]:
        """The camera's right direction in stage coordinates."""
        return self.rotation[:, 0]

    def vertical_fov_deg(self) -> float:
        """Vertical angle of view of the output frame, degrees."""
        return self.optics.field_of_view().vertical

    def horizontal_fov_deg(self) -> float:
        """Horizontal angle of view of the output frame, degrees."""
        return self.optics.field_of_view().horizontal

    def pan_tilt_roll(self) -> NDArray[np.float64]:
        """The orientation as pan, tilt and roll degrees."""
        from previz.core.camera_path import pan_tilt_roll_from_orientations
        from previz.core.rotation import matrix_to_quaternion

        return pan_tilt_roll_from_orientations(matrix_to_quaternion(self.rotation)[None])[0]

    # ------------------------------------------------------------ projection
    def to_camera(self, points: ArrayLike) -> NDArray[np.float64]:
        """Stage points in the camera frame (x right, y forward = depth, z up)."""
        return (np.asarray(points, dtype=np.float64) - self.position) @ self.rotation

    def project(self, points: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Project stage points to pixel coordinates with the pinhole model.

        Parameters
        ----------
        points : array_like, shape (N, 3)
            Stage metres.

        Returns
        -------
        pixels : numpy.ndarray, shape (N, 2)
            Continuous (x, y) pixel coordinates (see the module notes); NaN for
            points at or behind the camera.
        depth : numpy.ndarray, shape (N,)
            Distance along the view axis, metres.
        """
        local = self.to_camera(np.atleast_2d(points))
        depth = local[:, 1]
        aperture_w, aperture_h = self.optics.image_aperture_mm()
        focal = self.optics.lens.effective_focal_mm
        with np.errstate(divide="ignore", invalid="ignore"):
            sensor_x = np.where(depth > 0, focal * local[:, 0] / depth, np.nan)
            sensor_y = np.where(depth > 0, focal * local[:, 2] / depth, np.nan)
        pixels = np.column_stack([
            (0.5 + sensor_x / aperture_w) * self.width,
            (0.5 - sensor_y / aperture_h) * self.height,
        ])
        return pixels, depth

    def frustum(self, distance_m: float) -> NDArray[np.float64]:
        """Corners of the frame at ``distance_m`` along the view axis, stage metres.

        Returns
        -------
        numpy.ndarray, shape (4, 3)
            Top-left, top-right, bottom-right, bottom-left.
        """
        aperture_w, aperture_h = self.optics.image_aperture_mm()
        focal = self.optics.lens.effective_focal_mm
        half_w = 0.5 * aperture_w / focal * distance_m
        half_h = 0.5 * aperture_h / focal * distance_m
        local = np.array([[-half_w, distance_m, half_h], [half_w, distance_m, half_h],
                          [half_w, distance_m, -half_h], [-half_w, distance_m, -half_h]])
        return local @ self.rotation.T + self.position


def _lens(info: CameraInfo, focal_mm: float, focus_m: float, f_stop: float):  # type: ignore[no-untyped-def]
    return info.optics(focal_mm, focus_m, f_stop).lens
