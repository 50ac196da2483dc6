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


# ---------------------------------------------------------------------- demo
@main.command()
@click.option("-o", "--output", default="previz-demo", show_default=True,
              type=click.Path(file_okay=False), help="Folder for the outputs.")
def demo(output: str) -> None:
    """Run the pipeline on built-in data (no downloads) and say where everything is."""
    from previz.demo import run_demo

    click.echo(f"previz demo: writing to {output}/")
    for item in run_demo(Path(output)):
        click.echo(f"  {item.label:<22} {item.path}  ({item.summary})")


if __name__ == "__main__":  # pragma: no cover
    main()
