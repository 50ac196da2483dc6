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
    from dataclasses import replace

    from previz.io.registry import write

    cam = _read_path(path, fps)
    if fps is not None:
        cam = cam.on_frames(fps)
    if rig_spec or kit_name:
        library = _library()
        info = cam.camera
        if rig_spec:
            body, mode = library.body_and_mode(rig_spec)
            info = replace(info, film_back=mode.film_back, body=f"{body.name}:{mode.name}")
        if kit_name:
            kit = library.lens_kit(kit_name)
            for index, focal in enumerate(cam.focal_mm.tolist()):
                frame = f"frame {int(cam.frames[index])}" if cam.frames is not None else \
                    f"sample {index}"
                kit.lens_for(focal, where=f"{path}: {frame}: ")
            info = replace(info, squeeze=kit.squeeze, lens_kit=kit.name)
        cam = cam.with_camera(info)
    if support_name:
        report = cam.feasibility(_library().support(support_name))
        click.echo(f"support {support_name}: {report}")
    written = write(cam, output, "camera-path", format=format_name)
    frames = (f", frames {int(cam.frames[0])}-{int(cam.frames[-1])}"
              if cam.frames is not None else "")
    click.echo(f"wrote {written}: {len(cam)} samples{frames}")


# ---------------------------------------------------------------------- demo
@main.command()
@click.option("-o", "--output", default="previz-demo", show_default=True,
              type=click.Path(file_okay=False), help="Folder for the outputs.")
def demo(output: str) -> None:
    """Run the pipeline on built-in data (no downloads) and say where everything is."""
    from previz.demo import run_demo

    click.echo(f"previz demo: writing to {output}/")
    for item in run_demo(Path(output)):
        click.echo(f"  {item.label:<26} {item.path}  ({item.summary})")


if __name__ == "__main__":  # pragma: no cover
    main()
