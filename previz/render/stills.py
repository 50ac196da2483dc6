"""Stills of a shot plan: one frame per mark and per shot, with guides and burn-ins."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from previz.core.projection import ViewCamera
from previz.core.rig import RigLibrary
from previz.core.shotplan import ShotPlan
from previz.errors import InputError
from previz.io.plan_assets import mark_view, plan_set, plan_takes, shot_views, timecode
from previz.render.frame import FrameRenderer, lens_burnins
from previz.render.guides import Guides

__all__ = ["Still", "plan_guides", "render_plan_stills", "safe_file_name"]


@dataclass(frozen=True)
class Still:
    """A still that was written."""

    kind: str  # "mark" or "shot"
    name: str
    frame: int | None
    path: Path


def safe_file_name(name: str) -> str:
    """A file-name-safe version of a mark or shot name (letters, digits, ``-_.``)."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._")
    return cleaned or "unnamed"


def plan_guides(plan: ShotPlan) -> Guides:
    """Framing guides for a plan: its delivery aspect masked when it differs from the frame."""
    sequence = plan.sequence
    masked = abs(sequence.guide_aspect - sequence.frame_aspect) > 1e-3
    return Guides(aspects=(sequence.guide_aspect,) if masked else ())


def _lens_label(view: ViewCamera, kit: str) -> str:
    return f"{kit} {view.optics.lens.focal_mm:g}mm" if kit else ""


def render_plan_stills(
    plan: ShotPlan,
    library: RigLibrary | None,
    folder: str | Path,
    *,
    size: tuple[int, int] | None = None,
    guides: bool = True,
    progress: Callable[[int], None] | None = None,
) -> list[Still]:
    """Render a still of every mark and of every shot's first frame into ``folder``.

    Files: ``mark-<name>.png`` and ``shot-<id>-<frame>.png``. Performers are
    posed at each shot frame's stage time (marks show them at the sequence's
    first frame).

    Parameters
    ----------
    plan : ShotPlan
    library : RigLibrary or None
        For camera bodies and lens kits the plan names.
    folder : str or pathlib.Path
        Created if missing.
    size : (int, int), optional
        Output size (default: the plan's resolution).
    guides : bool, keyword-only
        Draw framing guides.
    progress : callable, optional
        Called with 1 after each still.

    Returns
    -------
    list of Still
    """
    target = Path(folder)
    if target.exists() and not target.is_dir():
        raise InputError(f"{target}: not a folder")
    target.mkdir(parents=True, exist_ok=True)
    width, height = size or plan.sequence.resolution
    model = plan_set(plan)
    takes = plan_takes(plan)
    written: list[Still] = []
    advance = progress or (lambda _n: None)
    with FrameRenderer(model, (width, height), takes,
                       guides=plan_guides(plan) if guides else None) as renderer:
        for mark in plan.marks:
            view = mark_view(plan, mark, library, (width, height))
            burnins = lens_burnins(view, shot=f"mark {mark.name}",
                                   body=mark.body or plan.camera.body or "",
                                   lens=_lens_label(view, plan.camera.lens_kit or ""))
            path = target / f"mark-{safe_file_name(mark.name)}.png"
            renderer.save(view, path, stage_time=0.0, burnins=burnins)
            written.append(Still("mark", mark.name, None, path))
            advance(1)
        for shot in plan.shots:
            (still,) = shot_views(plan, shot.id, library, size=(width, height))
            burnins = lens_burnins(still.view, shot=f"{shot.id}  {shot.description}".strip(),
                                   body=still.camera.body,
                                   lens=_lens_label(still.view, still.camera.lens_kit),
                                   frame=still.frame, timecode=timecode(plan, still.frame))
            path = target / f"shot-{safe_file_name(shot.id)}-{still.frame}.png"
            renderer.save(still.view, path, stage_time=still.stage_time, burnins=burnins)
            written.append(Still("shot", shot.id, still.frame, path))
            advance(1)
    return written
