"""The ``previz`` command line: one click group, each command a thin call into the library.

This is the only module that talks to the terminal. A :class:`~previz.errors.PrevizError`
becomes one line on stderr and the error's exit code (2 for bad input); any
other exception is reported as an internal error in one line (exit 1), with the
traceback only when ``PREVIZ_DEBUG=1``.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from fractions import Fraction
from pathlib import Path
from typing import Any

import click

from previz import __version__
from previz.errors import InputError, PrevizError

_UNIT_CHOICES = ("mm", "cm", "dm", "m", "in", "ft")


def _fail(message: str, code: int) -> None:
    click.echo(f"previz: error: {' '.join(message.split())}", err=True)
    sys.exit(code)


class _PrevizGroup(click.Group):
    """A click group that turns previz errors into one line and an exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PrevizError as error:
            _fail(str(error), error.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            _fail("interrupted", 130)
        except BrokenPipeError:  # the reader went away (| head): stop quietly
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(1)
        except Exception as error:
            if os.environ.get("PREVIZ_DEBUG"):
                raise
            _fail(
                f"internal error: {type(error).__name__}: {error} "
                f"(set PREVIZ_DEBUG=1 for the traceback, and please report it)",
                1,
            )


def _rate(text: str) -> Fraction:
    from previz.core.time import parse_rate

    try:
        return parse_rate(text)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


@contextmanager
def _progress(label: str, total: int, *, threshold: int) -> Iterator[Callable[[int], None]]:
    """Yield a callback advancing a progress bar (shown only for long work)."""
    if total < threshold:
        yield lambda _done: None
        return
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        yield bar.update


@click.group(cls=_PrevizGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="previz")
def main() -> None:
    """previz: virtual-production previsualization.

    Scout 3D sets with real lenses, play BVH motion capture in them, drive a
    virtual camera live, and export shot lists and camera paths.
    """


# --------------------------------------------------------------------- mocap
@main.group()
def mocap() -> None:
    """Motion-capture takes (BVH): inspect, export positions, convert."""


def _read(path: str, units: str | None = None, scale: float | None = None) -> Any:
    from previz import read_take

    return read_take(path, units=units, scale=scale)


def _describe(take: Any) -> dict[str, Any]:
    from collections import Counter

    from previz.core.skeleton import describe_channel_layout
    from previz.core.time import format_rate

    skeleton = take.skeleton
    guess = take.suggested_scale()
    return {
        "file": take.source,
        "name": take.name,
        "root": skeleton.joints[0].name,
        "joints": len(skeleton.joints),
        "end_sites": len(skeleton.end_sites),
        "frames": take.frame_count,
        "rate": format_rate(take.rate).split(" ")[0],
        "fps": float(take.rate),
        "frame_time": take.frame_time,
        "duration": float(take.duration),
        "channels": skeleton.channel_count,
        "channel_layouts": dict(
            Counter(describe_channel_layout(j.channels) for j in skeleton.joints)
        ),
        "up_axis": take.placement.up_axis.upper(),
        "height": take.skeleton_height(),
        "suggested_scale": {
            "metres_per_unit": guess.scale,
            "unit": guess.unit,
            "height_m": guess.height_m,
            "reason": guess.reason,
        },
        "joint_names": list(skeleton.names),
    }


@mocap.command("info")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the facts as JSON.")
def mocap_info(file: str, as_json: bool) -> None:
    """Show a take's skeleton, frames, rate, channel layouts and scale."""
    from previz.core.time import format_rate

    take = _read(file)
    facts = _describe(take)
    if as_json:
        click.echo(json.dumps(facts, indent=2))
        return
    guess = facts["suggested_scale"]
    layouts = ", ".join(f"{k} x{v}" for k, v in facts["channel_layouts"].items())
    unit = f" ({guess['unit']})" if guess["unit"] else ""
    click.echo(f"{file}")
    click.echo(f"  skeleton   {facts['joints']} joints + {facts['end_sites']} end sites, "
               f"root {facts['root']!r}")
    click.echo(f"  motion     {facts['frames']} frames at {format_rate(take.rate)} fps "
               f"= {facts['duration']:.3f} s")
    click.echo(f"  channels   {facts['channels']} per frame: {layouts}")
    click.echo(f"  height     {facts['height']:.4g} file units ("
               f"{facts['up_axis']} up, standing)")
    click.echo(f"  scale      {guess['metres_per_unit']:.6g} m per unit{unit} suggested: "
               f"{guess['reason']}")


@mocap.command("positions")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="The .npz file to write.")
@click.option("--raw", is_flag=True,
              help="Keep the file's own units and axes (default: stage metres, Z up).")
@click.option("--units", type=click.Choice(_UNIT_CHOICES),
              help="The file's length unit (default: guessed from the skeleton's height).")
@click.option("--scale", type=float, help="Metres per file unit (overrides --units).")
def mocap_positions(file: str, output: str, raw: bool, units: str | None,
                    scale: float | None) -> None:
    """Write world joint positions for every frame to an .npz file.

    The file holds `positions` (frames x joints x 3, joints in file order, end
    sites excluded) and `names`.
    """
    from previz.io.positions import write_positions

    take = _read(file, units, scale)
    positions = write_positions(take, output, raw=raw)
    space = "file units and axes" if raw else "stage metres, Z up"
    scale_note = "" if raw else f", {take.placement.scale:.6g} m per file unit"
    click.echo(f"wrote {output}: {positions.shape[0]} frames x {positions.shape[1]} joints, "
               f"{space}{scale_note}")


@mocap.command("convert")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="The BVH file to write.")
@click.option("--fps", callback=lambda _c, _p, v: None if v is None else _rate(v),
              help="Resample to this rate (24, 29.97, 24000/1001, ...).")
@click.option("--start", type=int, help="First frame to keep (0-based).")
@click.option("--end", type=int, help="Last frame to keep (0-based, inclusive).")
@click.option("--scale", type=float, help="Multiply lengths by this factor (0.01: cm to m).")
def mocap_convert(file: str, output: str, fps: Fraction | None, start: int | None,
                  end: int | None, scale: float | None) -> None:
    """Trim, resample and rescale a take, then write it as BVH."""
    from previz.core.time import format_rate
    from previz.io.bvh import write_bvh

    take = _read(file)
    if start is not None or end is not None:
        try:
            take = take.trimmed(start, end)
        except ValueError as error:
            raise InputError(f"{file}: --start/--end: {error}") from None
    if fps is not None:
        take = take.resampled(fps)
    if scale is not None:
        try:
            take = take.rescaled(scale)
        except ValueError as error:
            raise InputError(f"--scale: {error}") from None
    with _progress("writing", take.frame_count, threshold=50_000) as advance:
        write_bvh(take, output, progress=advance)
    click.echo(f"wrote {output}: {take.frame_count} frames at {format_rate(take.rate)} fps")


# ----------------------------------------------------------------------- rig
_COMMON_FOCALS = (18.0, 25.0, 35.0, 50.0, 75.0, 100.0, 135.0)


def _library() -> Any:
    from previz.io.datafiles import load_rig_library

    return load_rig_library()


@main.group()
def rig() -> None:
    """Camera bodies, lens kits and supports (the rigs/ data files)."""


@rig.command("list")
def rig_list() -> None:
    """List every camera body, lens kit and camera support found."""
    library = _library()
    click.echo("camera bodies")
    for body in library.cameras.values():
        click.echo(f"  {body.name:<30} {body.display_name} ({len(body.modes)} sensor modes, "
                   f"default {body.default_mode})")
    click.echo("lens kits")
    for kit in library.lens_kits.values():
        lenses = ", ".join(lens.describe() for lens in kit.lenses)
        squeeze = f", {kit.squeeze:g}x anamorphic" if kit.squeeze != 1 else ""
        click.echo(f"  {kit.name:<30} {kit.display_name}{squeeze}: {lenses}")
    click.echo("camera supports")
    for support in library.supports.values():
        low, high = support.height_range_m
        click.echo(f"  {support.name:<30} {support.display_name}: up to "
                   f"{support.max_speed_m_s:g} m/s, {support.max_acceleration_m_s2:g} m/s², "
                   f"lens height {low:g}-{high:g} m")


def _fov_rows(film_back: Any, squeeze: float, focals: list[tuple[str, float]],
              aspect: float | None) -> list[str]:
    from previz.core.lens import Lens, Optics

    rows = [f"    {'lens':<14} {'focal':>8} {'h-fov':>8} {'v-fov':>8} {'d-fov':>8} {'35mm eq':>8}"]
    for label, focal in focals:
        optics = Optics(film_back, Lens(focal, squeeze=squeeze), aspect=aspect)
        fov = optics.field_of_view()
        rows.append(f"    {label:<14} {focal:>6g}mm {fov.horizontal:>7.2f}° {fov.vertical:>7.2f}° "
                    f"{fov.diagonal:>7.2f}° {optics.equivalent_focal_mm():>6.1f}mm")
    return rows


def _kit_focals(kit: Any) -> list[tuple[str, float]]:
    return [(lens.name if len(lens.focal_lengths) == 1 else f"{lens.name} @{focal:g}", focal)
            for lens in kit.lenses for focal in lens.focal_lengths]


@rig.command("show")
@click.argument("name")
@click.option("--mode", help="Sensor mode of a camera body (default: its default mode).")
@click.option("--lens-kit", "kit_name", help="Lens kit to list fields of view for.")
@click.option("--body", "body_spec", metavar="BODY[:MODE]",
              help="Camera body a lens kit's fields of view are worked out on.")
@click.option("--aspect", type=float, help="Output aspect (default: the sensor mode's own).")
def rig_show(name: str, mode: str | None, kit_name: str | None, body_spec: str | None,
             aspect: float | None) -> None:
    """Show a body's sensor modes, a lens kit's lenses or a support's limits,
    with the field of view of every lens."""
    library = _library()
    if name in library.cameras:
        body = library.cameras[name]
        chosen = body.mode(mode)
        click.echo(f"{body.display_name} ({body.name}) — {body.path}")
        if body.source:
            click.echo(f"  source: {body.source}")
        for item in body.modes:
            mark = "*" if item.name == chosen.name else " "
            sites = f"{item.photosites[0]} x {item.photosites[1]}" if item.photosites else "-"
            click.echo(f"  {mark} {item.name:<28} {item.label:<26} {item.width_mm:6.2f} x "
                       f"{item.height_mm:6.2f} mm  {sites:>13} photosites")
        kit = library.lens_kit(kit_name) if kit_name else None
        focals = _kit_focals(kit) if kit else [(f"{f:g}mm", f) for f in _COMMON_FOCALS]
        title = kit.display_name if kit else "common focal lengths"
        click.echo(f"  fields of view in {chosen.label} ({title}):")
        for row in _fov_rows(chosen.film_back, kit.squeeze if kit else 1.0, focals, aspect):
            click.echo(row)
    elif name in library.lens_kits:
        kit = library.lens_kits[name]
        click.echo(f"{kit.display_name} ({kit.name}) — {kit.path}")
        if kit.source:
            click.echo(f"  source: {kit.source}")
        click.echo(f"  squeeze {kit.squeeze:g}x")
        for lens in kit.lenses:
            close = f", close focus {lens.close_focus_m:g} m" if lens.close_focus_m else ""
            click.echo(f"    {lens.name:<14} {lens.describe()}{close}")
        spec = body_spec or next(iter(library.cameras), None)
        if spec is not None:
            body, chosen = library.body_and_mode(spec)
            click.echo(f"  fields of view on {body.display_name}, {chosen.label}:")
            for row in _fov_rows(chosen.film_back, kit.squeeze, _kit_focals(kit), aspect):
                click.echo(row)
    elif name in library.supports:
        support = library.supports[name]
        click.echo(f"{support.display_name} ({support.name}) — {support.path}")
        click.echo(f"  max speed         {support.max_speed_m_s:g} m/s")
        click.echo(f"  max acceleration  {support.max_acceleration_m_s2:g} m/s²")
        click.echo(f"  lens height       {support.height_range_m[0]:g}-"
                   f"{support.height_range_m[1]:g} m")
        if support.max_pan_deg_s:
            click.echo(f"  max pan rate      {support.max_pan_deg_s:g}°/s")
        if support.max_tilt_deg_s:
            click.echo(f"  max tilt rate     {support.max_tilt_deg_s:g}°/s")
        if support.source:
            click.echo(f"  source: {support.source}")
    else:
        names = sorted([*library.cameras, *library.lens_kits, *library.supports])
        raise InputError(f"no rig called {name!r}; valid: {', '.join(names)}")


# -------------------------------------------------------------------- camera
@main.group()
def camera() -> None:
    """Camera paths: inspect and export (JSON, CSV, Nuke .chan, USD, Maya)."""


def _read_path(path: str, fps: Fraction | None) -> Any:
    from previz.io.registry import read

    return read(path, "camera-path", rate=fps)


def _rate_option(_ctx: Any, _param: Any, value: str | None) -> Fraction | None:
    return None if value is None else _rate(value)


@camera.command("info")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--fps", callback=_rate_option,
              help="Frame rate, for files that do not record one.")
def camera_info(path: str, fps: Fraction | None) -> None:
    """Summarise a camera path: samples, time, frames, motion and lens."""
    import numpy as np

    from previz.core.time import format_rate

    cam = _read_path(path, fps)
    click.echo(path)
    rate = f" at {format_rate(cam.rate)} fps" if cam.rate is not None else " (not on frames)"
    click.echo(f"  samples    {len(cam)}{rate}, {cam.duration:.3f} s")
    if cam.frames is not None:
        click.echo(f"  frames     {int(cam.frames[0])}-{int(cam.frames[-1])}")
    low, high = cam.positions.min(axis=0), cam.positions.max(axis=0)
    click.echo(f"  position   x {low[0]:.3f}..{high[0]:.3f}  y {low[1]:.3f}..{high[1]:.3f}  "
               f"z {low[2]:.3f}..{high[2]:.3f} m")
    angles = cam.pan_tilt_roll() + 0.0  # no "-0.0"
    names = ("pan", "tilt", "roll")
    click.echo("  rotation   " + "  ".join(
        f"{n} {angles[:, i].min():.1f}..{angles[:, i].max():.1f}°" for i, n in enumerate(names)))
    click.echo(f"  motion     speed up to {cam.speed().max():.3f} m/s, acceleration up to "
               f"{cam.acceleration().max():.3f} m/s²")
    focus = cam.focus_m[np.isfinite(cam.focus_m)]
    focus_text = f"{focus.min():.2f}..{focus.max():.2f} m" if focus.size else "infinity"
    if focus.size and focus.size < len(cam):
        focus_text += " and infinity"
    click.echo(f"  lens       focal {cam.focal_mm.min():g}..{cam.focal_mm.max():g} mm, "
               f"focus {focus_text}, f/{cam.f_stop.min():g}..{cam.f_stop.max():g}")
    back = cam.camera.film_back
    body = f" ({cam.camera.body})" if cam.camera.body else ""
    click.echo(f"  film back  {back.width_mm:g} x {back.height_mm:g} mm{body}, "
               f"squeeze {cam.camera.squeeze:g}")


@camera.command("export")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="The file to write; its extension picks the format.")
@click.option("--format", "format_name", help="Format name, overriding the extension.")
@click.option("--fps", callback=_rate_option,
              help="Resample to this frame rate (24, 23.976, 24000/1001, ...).")
@click.option("--rig", "rig_spec", metavar="BODY[:MODE]",
              help="Camera body and sensor mode: sets the film back.")
@click.option("--lens-kit", "kit_name", help="Lens kit: checks every focal length, sets squeeze.")
@click.option("--support", "support_name",
              help="Camera support to check the move against (dolly, crane, ...).")
def camera_export(path: str, output: str, format_name: str | None, fps: Fraction | None,
                  rig_spec: str | None, kit_name: str | None, support_name: str | None) -> None:
    """Convert a camera path to another format (by the output's extension)."""

    from previz.io.registry import write

    cam = _read_path(path, fps)
    if fps is not None:
        cam = cam.on_frames(fps)
    if rig_spec or kit_name:
        library = _library()
        info = cam.camera
        if rig_spec:
            info = info.on_body(*library.body_and_mode(rig_spec))
        if kit_name:
            kit = library.lens_kit(kit_name)
            for index, focal in enumerate(cam.focal_mm.tolist()):
                frame = f"frame {int(cam.frames[index])}" if cam.frames is not None else \
                    f"sample {index}"
                kit.lens_for(focal, where=f"{path}: {frame}: ")
            info = info.with_lens_kit(kit)
        cam = cam.with_camera(info)
    if support_name:
        report = cam.feasibility(_library().support(support_name))
        click.echo(f"support {support_name}: {report}")
    written = write(cam, output, "camera-path", format=format_name)
    frames = (f", frames {int(cam.frames[0])}-{int(cam.frames[-1])}"
              if cam.frames is not None else "")
    click.echo(f"wrote {written}: {len(cam)} samples{frames}")


# -------------------------------------------------------------------- render
def _numbers(text: str, count: int, what: str) -> tuple[float, ...]:
    import math

    try:
        values = tuple(float(v) for v in text.split(","))
    except ValueError:
        values = ()
    if len(values) != count or not all(math.isfinite(v) for v in values):
        raise InputError(f"{what}: expected {count} comma-separated numbers, got {text!r}")
    return values


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(v) for v in text.lower().split("x"))
    except ValueError:
        width = height = 0
    if not (16 <= width <= 16384 and 16 <= height <= 16384):
        raise InputError(f"--size: expected WIDTHxHEIGHT in pixels (e.g. 1920x1080), got {text!r}")
    return width, height


def _performer(spec: str) -> Any:
    """``FILE[@X,Y[,HEADING]]``: a take placed on the stage."""
    path, _, place = spec.partition("@")
    take = _read(path)
    if place:
        count = len(place.split(","))
        if count not in (2, 3):
            raise InputError(f"--performer {spec}: expected FILE@X,Y or FILE@X,Y,HEADING")
        values = _numbers(place, count, f"--performer {spec}")
        take = take.with_placement(position=(values[0], values[1], 0.0),
                                   heading=values[2] if len(values) == 3 else 0.0)
    return take


def _camera_info(body_spec: str | None, kit_name: str | None, focal: float, fit: str) -> Any:
    from previz.core.camera_path import CameraInfo

    info = CameraInfo(fit=fit)
    if body_spec:
        info = info.on_body(*_library().body_and_mode(body_spec))
    if kit_name:
        kit = _library().lens_kit(kit_name)
        kit.lens_for(focal, where="--focal: ")
        info = info.with_lens_kit(kit)
    return info


@main.command("render")
@click.argument("set_spec", metavar="SET")
@click.option("--at", "at", required=True, metavar="X,Y,Z", help="Camera position, stage metres.")
@click.option("--pan", type=float, default=0.0, show_default=True,
              help="Degrees, counter-clockwise from +Y seen from above.")
@click.option("--tilt", type=float, default=0.0, show_default=True, help="Degrees, up positive.")
@click.option("--roll", type=float, default=0.0, show_default=True, help="Degrees.")
@click.option("--focal", type=float, default=35.0, show_default=True, help="Focal length, mm.")
@click.option("--focus", type=float, default=None, help="Focus distance, m (default: infinity).")
@click.option("--f-stop", "f_stop", type=float, default=2.8, show_default=True)
@click.option("--body", "body_spec", metavar="BODY[:MODE]",
              help="Camera body and sensor mode (default: 36 x 24 mm full frame).")
@click.option("--lens-kit", "kit_name", help="Lens kit: checks the focal length, sets squeeze.")
@click.option("--fit", type=click.Choice(["fill", "horizontal", "vertical", "overscan"]),
              default="fill", show_default=True, help="How the frame sits on the film back.")
@click.option("--size", "size_text", default="1920x1080", show_default=True, metavar="WxH")
@click.option("--guide-aspect", "guide_aspects", multiple=True, metavar="RATIO",
              help="Delivery aspect to mask and outline (2.39, 1.85, 16:9); repeatable.")
@click.option("--no-guides", is_flag=True, help="No framing guides.")
@click.option("--no-burnins", is_flag=True, help="No burn-in texts.")
@click.option("--performer", "performers", multiple=True, metavar="BVH[@X,Y[,HEADING]]",
              help="A BVH take drawn as a stand-in, optionally placed; repeatable.")
@click.option("--time", "stage_time", type=float, default=0.0, show_default=True,
              help="Stage time (seconds) the performers are posed at.")
@click.option("--up", "up_axis", type=click.Choice(["y", "z"]), help="Set file's up axis.")
@click.option("--units", type=click.Choice(_UNIT_CHOICES), help="Set file's length unit.")
@click.option("--anti-aliasing", is_flag=True, help="Smooth edges (FXAA).")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="PNG file to write.")
def render_command(set_spec: str, at: str, pan: float, tilt: float, roll: float, focal: float,
                   focus: float | None, f_stop: float, body_spec: str | None,
                   kit_name: str | None, fit: str, size_text: str, guide_aspects: tuple[str, ...],
                   no_guides: bool, no_burnins: bool, performers: tuple[str, ...],
                   stage_time: float, up_axis: str | None, units: str | None,
                   anti_aliasing: bool, output: str) -> None:
    """Render one frame of SET (a set file or builtin:demo) from an explicit camera."""
    import math

    from previz.core.projection import ViewCamera
    from previz.io.set_source import load_set
    from previz.render.frame import FrameRenderer, lens_burnins
    from previz.render.guides import Guides, parse_aspect

    position = _numbers(at, 3, "--at")
    size = _size(size_text)
    if not (math.isfinite(focal) and focal > 0):
        raise InputError(f"--focal: expected a positive focal length in mm, got {focal}")
    aspects = []
    for text in guide_aspects:
        try:
            aspects.append(parse_aspect(text))
        except ValueError as error:
            raise InputError(f"--guide-aspect: {error}") from None
    info = _camera_info(body_spec, kit_name, focal, fit)
    try:
        view = ViewCamera.from_pan_tilt_roll(
            position, (pan, tilt, roll), focal_mm=focal, size=size, camera=info,
            focus_m=math.inf if focus is None else focus, f_stop=f_stop)
    except ValueError as error:
        raise InputError(f"camera: {error}") from None
    model = load_set(set_spec, up_axis=up_axis, units=units)
    for warning in model.warnings:
        click.echo(f"warning: {warning}", err=True)
    takes = [_performer(spec) for spec in performers]
    guides = None if no_guides else Guides(aspects=tuple(aspects))
    burnins = None if no_burnins else lens_burnins(view, shot=model.name, body=info.body,
                                                   lens=info.lens_kit)
    with FrameRenderer(model, size, takes, guides=guides, anti_aliasing=anti_aliasing) as renderer:
        written = renderer.save(view, output, stage_time=stage_time, burnins=burnins)
    fov = view.optics.field_of_view()
    click.echo(f"wrote {written}: {size[0]}x{size[1]}, {focal:g} mm, "
               f"field of view {fov.horizontal:.1f} x {fov.vertical:.1f} deg")


# -------------------------------------------------------------------- frames
@main.command("frames")
@click.argument("plan", type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False),
              help="Folder for the stills (created if missing).")
@click.option("--size", "size_text", metavar="WxH", help="Output size (default: the plan's).")
@click.option("--no-guides", is_flag=True, help="No framing guides.")
def frames_command(plan: str, output: str, size_text: str | None, no_guides: bool) -> None:
    """Render a still of every mark and every shot of PLAN, headless."""
    from previz.core.shotplan import validate_plan
    from previz.io.shotplan_toml import read_plan
    from previz.render.stills import render_plan_stills

    library = _library()
    shot_plan = validate_plan(read_plan(plan), library)
    size = _size(size_text) if size_text else None
    total = len(shot_plan.marks) + len(shot_plan.shots)
    with _progress("rendering", total, threshold=2) as advance:
        stills = render_plan_stills(shot_plan, library, output, size=size,
                                    guides=not no_guides, progress=advance)
    for still in stills:
        frame = f" frame {still.frame}" if still.frame is not None else ""
        click.echo(f"  {still.kind} {still.name}{frame}: {still.path}")
    click.echo(f"wrote {len(stills)} stills to {output}")


# ---------------------------------------------------------------------- demo
@main.command()
@click.option("-o", "--output", default="previz-demo", show_default=True,
              type=click.Path(file_okay=False), help="Folder for the outputs.")
def demo(output: str) -> None:
    """Run the pipeline on built-in data (no downloads) and say where everything is."""
    import time

    from previz.demo import run_demo

    started = time.monotonic()
    click.echo(f"previz demo: writing to {output}/")
    outputs = run_demo(Path(output), progress=lambda step: click.echo(f"  ... {step}", err=True))
    for item in outputs:
        click.echo(f"  {item.label:<28} {item.path}  ({item.summary})")
    board = Path(output) / "storyboard.html"
    click.echo(f"done in {time.monotonic() - started:.1f} s; open {board}")


# ----------------------------------------------------------------------- set
@main.group("set")
def set_group() -> None:
    """3D sets (glTF/GLB, OBJ, PLY, STL, VTK): inspect what loads, in stage metres."""


def _set_lines(file: str, facts: dict[str, Any]) -> list[str]:
    """The readable table of `previz set info`."""
    parts = facts["parts"]
    lines = [
        file,
        f"  parts      {parts} part{'s' if parts != 1 else ''}: {facts['triangles']:,} triangles, "
        f"{facts['vertices']:,} vertices, {facts['textures']} texture"
        f"{'s' if facts['textures'] != 1 else ''}",
    ]
    if facts["bounds_m"] is not None:
        low, high, size = facts["bounds_m"]["min"], facts["bounds_m"]["max"], facts["size_m"]
        lines.append(f"  size       {size[0]:.3f} x {size[1]:.3f} x {size[2]:.3f} m (x, y, z)")
        lines.append("  bounds     " + "  ".join(
            f"{axis} {low[i]:.3f}..{high[i]:.3f}" for i, axis in enumerate("xyz")) + " m")
    lines.append(f"  axes       {facts['up_axis'].upper()} up in the file (stage: Z up), "
                 f"{facts['scale']:.6g} m per file unit")
    guess = facts["suggested_scale"]
    if guess is not None:
        lines.append(f"  scale      {guess['metres_per_unit']:g} m per unit ({guess['unit']}) "
                     f"suggested, not applied: {guess['reason']} (use --units {guess['unit']})")
    return lines


@set_group.command("info")
@click.argument("file", type=click.Path(dir_okay=True))
@click.option("--up", "up_axis", type=click.Choice(["y", "z"], case_sensitive=False),
              help="The file's up axis (default: y for glTF/OBJ, z for PLY/STL/VTK).")
@click.option("--units", type=click.Choice(_UNIT_CHOICES),
              help="The file's length unit (default: metres).")
@click.option("--scale", type=float, help="Metres per file unit (instead of --units).")
@click.option("--json", "as_json", is_flag=True, help="Print the facts as JSON.")
def set_info(file: str, up_axis: str | None, units: str | None, scale: float | None,
             as_json: bool) -> None:
    """Show a set's parts, triangles, size in metres, axes, scale and textures."""
    from previz.io.set_files import read_set, set_facts

    if units is not None and scale is not None:
        raise InputError("--units and --scale cannot be used together; give one")
    model = read_set(file, up_axis=up_axis and up_axis.lower(), units=units, scale=scale)
    facts = set_facts(model)
    for warning in model.warnings:
        click.echo(f"warning: {warning}", err=True)
    if as_json:
        click.echo(json.dumps(facts, indent=2))
        return
    for line in _set_lines(file, facts):
        click.echo(line)


# --------------------------------------------------------------------- shots
@main.group()
def shots() -> None:
    """Shot plans (shots/*.toml): check them and list their shots."""


def _shots_plan(path: str) -> Any:
    """Read a plan and check it against the files it names and the rig library."""
    from previz.core.shotplan import validate_plan
    from previz.io.datafiles import load_rig_library
    from previz.io.shotplan_toml import read_plan

    return validate_plan(read_plan(path), load_rig_library())


def _shots_rows(plan: Any) -> list[dict[str, Any]]:
    from previz.core.time import timecodes

    rows = []
    for shot, (first, last) in zip(plan.shots, plan.frame_ranges(), strict=True):
        tc_in, tc_out = timecodes([first, last + 1], plan.sequence.rate)
        if shot.camera is not None:
            trim = f" [{shot.camera_trim[0]}-{shot.camera_trim[1]}]" if shot.camera_trim else ""
            source = f"camera {shot.camera}{trim}"
        else:
            source = "marks " + ", ".join(shot.marks)
        rows.append({
            "id": shot.id,
            "first_frame": first,
            "last_frame": last,
            "duration": last - first + 1,
            "handles": shot.handles,
            "timecode_in": tc_in,
            "timecode_out": tc_out,
            "source": source,
            "marks": list(shot.marks),
            "camera": shot.camera,
            "focal_mm": plan.focal(shot.id),
            "description": shot.description,
            "notes": shot.notes,
            "tags": list(shot.tags),
        })
    return rows


@shots.command("validate")
@click.argument("plan", type=click.Path(dir_okay=False))
def shots_validate(plan: str) -> None:
    """Check a shot plan: keys and types, marks, frame ranges, files, bodies and lenses."""
    checked = _shots_plan(plan)
    click.echo(f"ok: {len(checked.shots)} shots, {len(checked.marks)} marks")


@shots.command("list")
@click.argument("plan", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the shots as JSON.")
def shots_list(plan: str, as_json: bool) -> None:
    """List a plan's shots: frames, duration, timecode, camera source, focal length, notes.

    Frame ranges are inclusive; timecode out is the frame after the last one,
    as an EDL counts it.
    """
    from previz.core.time import format_rate

    checked = _shots_plan(plan)
    rows = _shots_rows(checked)
    sequence = checked.sequence
    if as_json:
        click.echo(json.dumps({
            "plan": plan,
            "title": sequence.title,
            "rate": format_rate(sequence.rate).split(" ")[0],
            "fps": float(sequence.rate),
            "start_frame": sequence.start_frame,
            "resolution": list(sequence.resolution),
            "shots": rows,
        }, indent=2))
        return
    click.echo(f"{sequence.title or plan}: {len(rows)} shots at {format_rate(sequence.rate)} fps, "
               f"{sequence.resolution[0]}x{sequence.resolution[1]}")
    header = (f"  {'id':<8} {'frames':<11} {'dur':>5} {'hnd':>4} {'tc in':<11} {'tc out':<11} "
              f"{'focal':>6}  {'camera':<28} description")
    click.echo(header)
    for row in rows:
        focal = f"{row['focal_mm']:g}mm" if row["focal_mm"] is not None else "file"
        text = row["description"] + (f" ({row['notes']})" if row["notes"] else "")
        frames = f"{row['first_frame']}-{row['last_frame']}"
        click.echo(f"  {row['id']:<8} {frames:<11} "
                   f"{row['duration']:>5} {row['handles']:>4} {row['timecode_in']:<11} "
                   f"{row['timecode_out']:<11} {focal:>6}  {row['source']:<28} {text}".rstrip())


@shots.command("camera")
@click.argument("plan", type=click.Path(dir_okay=False))
@click.argument("shot_id", metavar="SHOT")
@click.argument("camera_file", metavar="CAMERA", type=click.Path(dir_okay=False))
@click.option("--trim", "trim_text", metavar="FIRST,LAST",
              help="Frames of the file the shot uses, as the file numbers them (`previz camera "
                   "info CAMERA --fps RATE` lists them; default: from its first frame).")
def shots_camera(plan: str, shot_id: str, camera_file: str, trim_text: str | None) -> None:
    """Make CAMERA (a take from `previz live` or `record`, or an exported path) SHOT's camera.

    The shot's marks give way to the recorded camera (they stay in the plan);
    the rest of the plan file is kept as written. Nothing is written when the
    file does not cover the shot's frames.
    """
    from previz.io.datafiles import load_rig_library
    from previz.io.shotplan_toml import set_shot_camera

    trim = None
    if trim_text is not None:
        first, last = _numbers(trim_text, 2, "--trim")
        if first != int(first) or last != int(last):
            raise InputError(f"--trim {trim_text}: expected two whole frame numbers FIRST,LAST")
        trim = (int(first), int(last))
    saved, before = set_shot_camera(plan, shot_id, camera_file, load_rig_library(), trim=trim)
    shot = saved.shot(shot_id)
    was = f"marks {', '.join(before.marks)}" if before.marks else f"camera {before.camera}"
    trimmed = f" frames {shot.camera_trim[0]}-{shot.camera_trim[1]}" if shot.camera_trim else ""
    click.echo(f"{plan}: shot {shot_id} camera = {shot.camera}{trimmed} (was {was})")


# --------------------------------------------------------------------- scout
@main.command("scout")
@click.argument("set_spec", metavar="[SET]", required=False)
@click.option("--plan", "plan_path", type=click.Path(dir_okay=False),
              help="Shot plan TOML: its marks are loaded and saved back (created on the first "
                   "save when the file does not exist).")
@click.option("--rig", "body_spec", metavar="BODY[:MODE]",
              help="Camera body and sensor mode (default: the plan's, else 36 x 24 mm full frame).")
@click.option("--lens-kit", "kit_name",
              help="Lens kit: one button per prime, the focal slider spans it (default: the "
                   "plan's).")
@click.option("--performer", "performers", multiple=True, metavar="BVH[@X,Y[,HEADING]]",
              help="A BVH take drawn as a stand-in, optionally placed; repeatable (default: the "
                   "plan's performers).")
@click.option("--size", "size_text", metavar="WxH",
              help="Output frame size (default: the plan's resolution, else 1920x1080).")
@click.option("--aspect", "aspect", metavar="RATIO",
              help="Delivery aspect the guides mask: 2.39, 1.85, 16:9 … (default: the plan's, "
                   "else 2.39).")
@click.option("--stills", "stills_dir", type=click.Path(file_okay=False),
              help="Folder for snapshots (default: stills/ beside the plan, else here).")
@click.option("--up", "up_axis", type=click.Choice(["y", "z"]), help="Set file's up axis.")
@click.option("--units", type=click.Choice(_UNIT_CHOICES), help="Set file's length unit.")
@click.option("--viewport", "viewport", type=click.Choice(["raster", "qt"]), default="raster",
              show_default=True,
              help="raster: render off-screen and show the image (fastest on a CPU renderer); "
                   "qt: pyvistaqt OpenGL widget.")
def scout_command(set_spec: str | None, plan_path: str | None, body_spec: str | None,
                  kit_name: str | None, performers: tuple[str, ...], size_text: str | None,
                  aspect: str | None, stills_dir: str | None, up_axis: str | None,
                  units: str | None, viewport: str) -> None:
    """Scout SET with a virtual camera: walk it with the shoot's lenses, mark shots, take stills.

    SET is a set file or builtin:demo (default: the plan's set, else the demo
    set). Marks are saved into the shot plan; the window asks for a file when
    there is none. Keys in the view: W/A/S/D move, Q/E down/up, drag to look,
    Shift faster, F fly/walk, M add a mark, Ctrl+S save, Ctrl+P snapshot.
    """
    from previz.errors import OperationError

    try:
        from previz.app.scout import run_scout
    except ImportError as error:
        raise OperationError(f"previz scout needs PySide6 and pyvistaqt ({error}); install "
                             f"them with: pip install PySide6-Essentials pyvistaqt") from None
    takes = [_performer(spec) for spec in performers]
    code = run_scout(set_spec, plan=plan_path, body=body_spec, lens_kit=kit_name, takes=takes,
                     resolution=_size(size_text) if size_text else None, delivery_aspect=aspect,
                     stills_dir=stills_dir, up_axis=up_axis, units=units, viewport=viewport)
    if code:
        sys.exit(code)


# ----------------------------------------------------------------- playblast
@main.command("playblast")
@click.argument("plan", type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False),
              help="Folder for <shot>/<shot>.<frame>.png and <shot>.mp4 (created if missing).")
@click.option("--shots", "shot_list", metavar="ID[,ID...]",
              help="Shots to render, comma-separated (default: every shot).")
@click.option("--size", "size_text", metavar="WxH", help="Frame size (default: the plan's).")
@click.option("--workers", type=click.IntRange(min=0),
              help="Local render processes (default: one per CPU; 0: render in this process).")
@click.option("--scheduler", metavar="tcp://HOST:PORT",
              help="Render on a Dask cluster instead (pip install previz[farm]); its workers "
                   "must import previz and see the plan and output folder at the same paths.")
@click.option("--no-movie", is_flag=True, help="Write the PNG frames only, no .mp4.")
@click.option("--max-frames", type=click.IntRange(min=1), metavar="N",
              help="Render only the first N frames of each shot (quick checks).")
def playblast_command(plan: str, output: str, shot_list: str | None, size_text: str | None,
                      workers: int | None, scheduler: str | None, no_movie: bool,
                      max_frames: int | None) -> None:
    """Render every frame of PLAN's shots with guides and burn-ins, and a movie per shot."""
    from previz.core.shotplan import validate_plan
    from previz.io.shotplan_toml import read_plan
    from previz.render.playblast import playblast, shot_frames

    if scheduler is not None and workers is not None:
        raise InputError("--workers and --scheduler cannot be used together; the cluster "
                         "decides how many workers render")
    if scheduler is not None:
        from previz.render.farm import check_address

        scheduler = check_address(scheduler)
    shot_plan = validate_plan(read_plan(plan), _library())
    chosen = None
    if shot_list is not None:
        chosen = [part.strip() for part in shot_list.split(",") if part.strip()]
        if not chosen:
            raise InputError(f"--shots: expected shot ids like 010,020; valid: "
                             f"{', '.join(s.id for s in shot_plan.shots)}")
        for shot_id in chosen:
            shot_plan.index(shot_id)  # one line naming the plan and the valid ids
    size = _size(size_text) if size_text else None
    ids = chosen or [shot.id for shot in shot_plan.shots]
    total = sum(len(shot_frames(shot_plan, shot_id, max_frames)) for shot_id in dict.fromkeys(ids))
    with _progress("rendering", total, threshold=2) as advance:
        results = playblast(shot_plan, output, shots=chosen, size=size, workers=workers,
                            scheduler=scheduler, movie=not no_movie, max_frames=max_frames,
                            progress=advance)
    for result in results:
        movie = f", movie {result.movie}" if result.movie is not None else ""
        click.echo(f"  shot {result.shot_id} frames {result.first_frame}-{result.last_frame} "
                   f"({result.frame_count}): frames {result.folder}{os.sep}{movie}")
    click.echo(f"wrote {sum(r.frame_count for r in results)} frames of {len(results)} shots "
               f"to {output}")


# -------------------------------------------------------------------- device
@main.group()
def device() -> None:
    """Tracked-device profiles (devices/*.toml): OSC apps, tracker bridges, FreeD, OpenTrackIO."""


@device.command("list")
def device_list() -> None:
    """List the device profiles previz knows (built-in and PREVIZ_DEVICE_PATH)."""
    from previz.io.device_toml import load_devices

    for name, profile in sorted(load_devices().items()):
        click.echo(f"{name:<14} {profile.protocol:<12} port {profile.port:<6} "
                   f"{profile.description}")


@device.command("show")
@click.argument("name")
def device_show(name: str) -> None:
    """Show what a profile maps, its tables, calibration and filter (NAME or a .toml path)."""
    from previz.io.device_toml import find_device

    profile = find_device(name)
    click.echo(f"{profile.name}  ({profile.path})")
    click.echo(f"  protocol     {profile.protocol}, default port {profile.port}")
    if profile.description:
        click.echo(f"  about        {profile.description}")
    click.echo(f"  axes         stage x, y, z = device {', '.join(profile.axes)}; camera "
               f"{', '.join(profile.camera_axes)}; {profile.length_unit:g} m per unit")
    for mapping in profile.mappings:
        extra = []
        if mapping.order:
            extra.append(f"order {mapping.order}")
        if mapping.args is not None:
            extra.append(f"args {list(mapping.args)}")
        if mapping.table:
            extra.append(f"table {mapping.table}")
        if mapping.channel == "record":
            extra.append(mapping.mode)
        more = f" ({', '.join(extra)})" if extra else ""
        click.echo(f"  osc          {mapping.address:<32} → {mapping.channel}{more}")
    for table_name, table in profile.tables.items():
        pairs = ", ".join(f"{i:g}→{o:g}" for i, o in zip(table.inputs, table.outputs, strict=True))
        click.echo(f"  table        {table_name}: {pairs}")
    cal = profile.calibration
    click.echo(f"  calibration  origin {list(cal.origin)} m, heading {cal.heading:g}°, "
               f"scale {cal.scale:g}")
    for part, settings in (("position", profile.filter.position),
                           ("rotation", profile.filter.rotation)):
        state = (f"min_cutoff {settings.min_cutoff:g} Hz, beta {settings.beta:g}, d_cutoff "
                 f"{settings.d_cutoff:g} Hz" if settings.enabled else "off")
        click.echo(f"  filter       {part}: {state}")
    click.echo(f"  lens         {profile.focal_mm:g} mm, focus {profile.focus_m:g} m, "
               f"f/{profile.f_stop:g} until the device sends its own")


# -------------------------------------------------------------------- record
def _listen(profile: Any, listen: str | None) -> tuple[str, int]:
    from previz.live.udp import parse_listen

    return parse_listen(listen, profile.port) if listen else ("127.0.0.1", profile.port)


@main.command("record")
@click.option("--device", "device_name", required=True, help="Device profile name or .toml path.")
@click.option("--listen", metavar="HOST:PORT",
              help="Interface and port (default 127.0.0.1 and the profile's port); a multicast "
                   "group (239.135.1.1:55555) joins it.")
@click.option("--interface", metavar="ADDRESS",
              help="With a multicast --listen: the interface's address (default: the system's).")
@click.option("--allow", "allow", multiple=True, metavar="ADDRESS",
              help="Accept datagrams only from this sender address (repeatable).")
@click.option("--duration", type=float, help="Stop after this many seconds (default: Ctrl-C).")
@click.option("--trigger", is_flag=True,
              help="Wait for the device's record trigger instead of recording at once.")
@click.option("--slate", default="", help="Slate name written into the take.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="The take file to write (.vtake); later trigger takes get _002, _003, ...")
def record(device_name: str, listen: str | None, interface: str | None, allow: tuple[str, ...],
           duration: float | None, trigger: bool, slate: str, output: str) -> None:
    """Record a camera take from a tracked device, headless, crash-safe.

    Samples are journalled as they arrive (flushed at least every 50 ms), so
    even a killed process leaves a take that `previz take recover` closes.
    """
    import signal
    import threading
    import time

    from previz.io.device_toml import find_device
    from previz.live.session import LiveSession

    profile = find_device(device_name)
    target = Path(output)
    if target.suffix.lower() != ".vtake":
        raise InputError(f"{output}: a take file ends in .vtake")
    if target.exists():
        raise InputError(f"{output}: exists already; pick a new take name")
    if duration is not None and not duration > 0:
        raise InputError(f"--duration {duration!r}: expected a positive number of seconds")
    from previz.live.udp import is_multicast

    host, port = _listen(profile, listen)
    multicast = None
    if is_multicast(host):
        multicast, host = host, interface or "0.0.0.0"
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    session = LiveSession(profile, host=host, port=port, allow=allow or None,
                          take_folder=target.parent, slate=slate, multicast=multicast)
    names = iter([target] + [target.with_name(f"{target.stem}_{n:03d}.vtake")
                             for n in range(2, 1000)])
    session.next_take_path = lambda: next(names)  # type: ignore[method-assign]
    session.on_event = lambda event: click.echo(f"  {event.kind:<10} {event.detail}", err=True)
    bound = session.address
    where = (f"multicast group {multicast} port {bound[1]} (interface {host})" if multicast
             else f"{bound[0]}:{bound[1]}")
    click.echo(f"listening on {where} for {profile.name} ({profile.protocol})", err=True)
    started = time.monotonic()
    try:
        with session:
            if not trigger:
                session.start_recording()
            while not stop.is_set():
                if duration is not None and time.monotonic() - started >= duration:
                    break
                stop.wait(0.1)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
    snapshot = session.stats.snapshot()
    rejected = ", ".join(f"{k} {v}" for k, v in snapshot["rejected"].items() if v) or "none"
    click.echo(f"received {snapshot['datagrams']} datagrams, {snapshot['samples']} samples; "
               f"rejected: {rejected}", err=True)
    for path in session.finished:
        click.echo(f"wrote {path}")
    if not session.finished:
        click.echo("no take recorded", err=True)


# ---------------------------------------------------------------------- take
@main.group()
def take() -> None:
    """Recorded camera takes (.vtake): inspect and recover after a crash."""


@take.command("info")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the facts as JSON.")
def take_info(path: str, as_json: bool) -> None:
    """Summarise a take: device, slate, samples, duration, marks, state."""
    from previz.live.journal import read_take_file

    data = read_take_file(path)
    if as_json:
        click.echo(json.dumps({
            "path": str(data.path), "header": data.header, "samples": len(data.samples),
            "duration_s": data.duration, "rate_hz": data.rate, "marks": data.marks.tolist(),
            "complete": data.complete, "recovered": data.recovered,
        }, indent=2))
        return
    from previz.live.take_summary import take_summary

    for line in take_summary(data):
        click.echo(line)


@take.command("recover")
@click.argument("path", type=click.Path(dir_okay=False))
def take_recover(path: str) -> None:
    """Close a take a crash interrupted: keep every whole sample, mark it recovered."""
    from previz.live.journal import read_take_file, recover_take

    before = read_take_file(path)
    if before.complete:
        click.echo(f"{path}: complete already ({len(before.samples)} samples); nothing to do")
        return
    after = recover_take(path)
    torn = f", dropped a torn last record ({before.torn_bytes} bytes)" if before.torn_bytes else ""
    click.echo(f"recovered {path}: {len(after.samples)} samples over {after.duration:.3f} s{torn}")


# ----------------------------------------------------------------------- osc
@main.group()
def osc() -> None:
    """Send camera moves over the network as a device would (rehearsal, demos, tests)."""


def _target(text: str, default_port: int) -> tuple[str, int]:
    from previz.live.udp import parse_listen

    host, port = parse_listen(text, default_port)
    if port == 0:
        raise InputError(f"--to {text!r}: give the receiver's port, e.g. 127.0.0.1:9000")
    return host, port


@osc.command("play")
@click.argument("path", metavar="PATH_OR_TAKE", type=click.Path(dir_okay=False))
@click.option("--device", "device_name", help="Profile to send as (default: previz, or the "
              "protocol's built-in profile).")
@click.option("--to", "to", required=True, metavar="HOST:PORT", help="Where to send.")
@click.option("--rate", "rate_hz", type=float, default=60.0, show_default=True,
              help="Samples per second.")
@click.option("--protocol", type=click.Choice(["osc", "freed", "opentrackio"]),
              help="Send FreeD or OpenTrackIO instead of the profile's OSC "
                   "(opentrackio: stream to Unreal and other consumers).")
@click.option("--encoding", type=click.Choice(["json", "cbor"]), default="json",
              show_default=True, help="OpenTrackIO payload encoding.")
@click.option("--messages", is_flag=True, help="OSC: separate messages instead of one bundle "
              "per sample.")
@click.option("--fast", is_flag=True, help="Send as fast as possible instead of in real time.")
@click.option("--interface", metavar="ADDRESS",
              help="To a multicast group: the interface's address to send from.")
@click.option("--fps", callback=_rate_option, help="Frame rate, for files that need one.")
def osc_play(path: str, device_name: str | None, to: str, rate_hz: float, protocol: str | None,
             encoding: str, messages: bool, fast: bool, interface: str | None,
             fps: Fraction | None) -> None:
    """Send PATH_OR_TAKE (any camera path file or a .vtake) the way DEVICE would."""
    from previz.io.device_toml import find_device
    from previz.live.sender import path_datagrams, play_datagrams

    cam = _read_path(path, fps)
    name = device_name or {"freed": "freed", "opentrackio": "opentrackio"}.get(protocol or "",
                                                                               "previz")
    profile = find_device(name)
    if protocol is not None and protocol != profile.protocol:
        raise InputError(f"--protocol {protocol}: device {profile.name!r} speaks "
                         f"{profile.protocol}; pick a {protocol} profile or leave --device out")
    target = _target(to, profile.port)
    times, samples = path_datagrams(cam, profile, rate_hz, bundle=not messages,
                                    encoding=encoding)
    click.echo(f"sending {len(samples)} samples ({cam.duration:.2f} s at {rate_hz:g}/s) as "
               f"{profile.name} ({profile.protocol}) to {target[0]}:{target[1]}", err=True)
    with _progress("sending", len(samples), threshold=2 if not fast else 10**9) as advance:
        done = [0]

        def progress(count: int) -> None:
            advance(count - done[0])
            done[0] = count

        sent = play_datagrams(times, samples, target, realtime=not fast, progress=progress,
                              interface=interface)
    click.echo(f"sent {sent} datagrams")


# -------------------------------------------------------------------- export
def _name_list(text: str | None) -> list[str] | None:
    """``"csv,json"`` → ``["csv", "json"]`` (None when the option was not given)."""
    if text is None:
        return None
    return [name for name in (part.strip() for part in text.split(",")) if name]


@main.command("export")
@click.argument("plan", type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False),
              help="Folder for the exports (created if missing).")
@click.option("--format", "format_list", metavar="LIST",
              help="Comma-separated: csv, json, otio, edl, html, cameras (default: all).")
@click.option("--camera-format", "camera_list", metavar="LIST",
              help="Camera path formats for 'cameras', comma-separated: json, jsonl, csv, chan, "
                   "usda, usdc, ma (default: all).")
@click.option("--size", "size_text", metavar="WxH",
              help="Storyboard frame size (default: 640 wide at the plan's aspect).")
def export_command(plan: str, output: str, format_list: str | None, camera_list: str | None,
                   size_text: str | None) -> None:
    """Export PLAN: shot list (CSV, JSON), timeline (OTIO, EDL), storyboard, camera paths.

    Every file is written in full before any is moved into the folder, so a
    failed export leaves nothing half-written. Timecode out is exclusive (the
    frame after the last), as an EDL counts it.
    """
    from contextlib import ExitStack

    from previz.export import EXPORT_FORMATS, export_plan
    from previz.io.shotplan_toml import read_plan

    formats = _name_list(format_list)
    size = _size(size_text) if size_text else None
    total = len(read_plan(plan).shots)
    with ExitStack() as stack:
        bar: list[Callable[[int], None]] = []

        def advance(count: int) -> None:  # the bar starts with the first frame, after the checks
            if not bar:
                bar.append(stack.enter_context(_progress("rendering frames", total, threshold=2)))
            bar[0](count)

        outputs = export_plan(plan, output, formats=formats,
                              camera_formats=_name_list(camera_list), size=size,
                              progress=advance)
    asked = {f.lower() for f in formats} if formats is not None else set(EXPORT_FORMATS)
    click.echo(f"previz export: {plan} -> {output}/ "
               f"({', '.join(f for f in EXPORT_FORMATS if f in asked)})")
    for item in outputs:
        click.echo(f"  {item.label:<26} {item.path}  ({item.summary})")


# ---------------------------------------------------------------------- live
@main.command("live")
@click.option("--device", "device_name", required=True, help="Device profile name or .toml path.")
@click.option("--listen", metavar="HOST:PORT",
              help="Interface and port (default 127.0.0.1 and the profile's port).")
@click.option("--plan", "plan_path", type=click.Path(dir_okay=False),
              help="Shot plan: its set, camera and performers are the defaults.")
@click.option("--shot", "shot_id", metavar="ID",
              help="A shot of the plan: the slate, and performers start at its first frame "
                   "with every take.")
@click.option("--set", "set_spec", metavar="SET",
              help="Set file or builtin:demo the camera looks at (default: the plan's, else "
                   "the demo set).")
@click.option("--rig", "body_spec", metavar="BODY[:MODE]",
              help="Camera body and sensor mode: its film back frames the view "
                   "(default: the plan's, else 36 x 24 mm full frame).")
@click.option("--lens-kit", "kit_name", help="Lens kit: names the lens in the burn-ins, sets "
              "the squeeze (default: the plan's).")
@click.option("--takes", "takes_dir", type=click.Path(file_okay=False),
              help="Folder the takes are recorded to (default: here; created if missing).")
@click.option("--slate", default="", help="Slate of the first take (editable in the window).")
@click.option("--performer", "performers", multiple=True, metavar="BVH[@X,Y[,HEADING]]",
              help="A BVH take playing in the set, looping; it starts again with every take "
                   "(repeatable; default: the plan's performers).")
@click.option("--size", "size_text", metavar="WxH",
              help="Output frame size; the view keeps its aspect (default: the plan's, else "
                   "1920x1080).")
@click.option("--viewport", "viewport", type=click.Choice(["raster", "qt"]), default="raster",
              show_default=True,
              help="raster: render off-screen and show the image (fastest on a CPU renderer); "
                   "qt: pyvistaqt OpenGL widget.")
def live_command(device_name: str, listen: str | None, plan_path: str | None,
                 shot_id: str | None, set_spec: str | None, body_spec: str | None,
                 kit_name: str | None, takes_dir: str | None, slate: str,
                 performers: tuple[str, ...], size_text: str | None, viewport: str) -> None:
    """Operate a live tracked camera: see the set through it, record takes, calibrate.

    The view follows the device's filtered pose with the lens its encoders
    report; Record (Ctrl+R) and Mark (M) write .vtake takes into the takes
    folder; the telemetry panel plots the last 10 s and counts bad input.
    """
    from importlib.util import find_spec

    from previz.errors import OperationError

    try:
        from previz.app.live import run_live  # PySide6 first: pyqtgraph then uses it

        if find_spec("pyqtgraph") is None:
            raise ImportError("No module named 'pyqtgraph'")
    except ImportError as error:
        raise OperationError(f"previz live needs PySide6, pyvistaqt and pyqtgraph ({error}); "
                             f"install them with: pip install PySide6-Essentials pyvistaqt "
                             f"pyqtgraph") from None
    code = run_live(device_name, listen=listen, set_spec=set_spec, body=body_spec,
                    lens_kit=kit_name, takes=takes_dir, slate=slate, viewport=viewport,
                    resolution=_size(size_text) if size_text else None,
                    performers=[_performer(spec) for spec in performers],
                    plan=plan_path, shot=shot_id)
    if code:
        sys.exit(code)
