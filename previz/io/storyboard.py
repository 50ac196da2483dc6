"""A storyboard: one self-contained HTML page of shot cards and the floor plan.

``storyboard.html`` carries its CSS inline and references each shot's frame
relatively (``frames/010.png`` beside it), so the folder can be moved, zipped
or opened from disk. The cards form a contact-sheet grid that reflows on
screen and prints three across on A4 landscape pages without
splitting a card; the floor plan (inline SVG) prints on its own page.

Every text that comes from the user (title, plan path, shot ids,
descriptions, notes, tags, mark and body names, file names) is escaped with
``html.escape(..., quote=True)``; the floor plan SVG escapes its own labels.
"""

from __future__ import annotations

import html
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from previz.core.shotplan import ShotPlan
from previz.core.time import format_rate
from previz.io.files import atomic_output

__all__ = ["STORYBOARD_NAME", "storyboard_html", "write_storyboard"]

#: File name of the storyboard page.
STORYBOARD_NAME = "storyboard.html"

_CSS = """
*{box-sizing:border-box}
body{margin:0;padding:16px 20px;font:13px/1.35 Helvetica,Arial,sans-serif;color:#1d1d1b;
background:#f4f4f1}
header h1{margin:0 0 4px;font-size:20px}
header p{margin:0 0 14px;color:#555}
.sheet{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:14px}
.card{background:#fff;border:1px solid #d6d6d0;border-radius:4px;overflow:hidden;
break-inside:avoid;page-break-inside:avoid}
.frame{display:block;width:100%;aspect-ratio:var(--aspect);object-fit:contain;background:#222}
.missing{display:flex;align-items:center;justify-content:center;color:#bbb}
.card .body{padding:8px 10px 10px}
.card h2{margin:0 0 6px;font-size:14px;font-weight:normal}
.card h2 .id{font-weight:bold;margin-right:6px}
dl{display:grid;grid-template-columns:max-content 1fr;gap:1px 10px;margin:0}
dt{color:#777}
dd{margin:0;font-variant-numeric:tabular-nums}
.notes{margin:6px 0 0;font-style:italic}
.tags{margin:6px 0 0}
.tag{display:inline-block;margin:0 4px 2px 0;padding:0 6px;border-radius:8px;background:#e6e6df;
font-size:11px}
.plan{margin-top:20px;break-before:page;page-break-before:always}
.plan h2{font-size:16px;margin:0 0 8px}
.plan svg{max-width:100%;height:auto;background:#fff;border:1px solid #d6d6d0}
@page{size:A4 landscape;margin:10mm}
@media print{
body{background:#fff;padding:0;font-size:8.5px;line-height:1.2}
header h1{font-size:14px}
header p{margin-bottom:6px}
.sheet{grid-template-columns:repeat(3,1fr);gap:3mm}
.card{border-color:#999}
.card .body{padding:4px 6px 5px}
.card h2{font-size:10px;margin-bottom:3px}
.notes,.tags{margin-top:3px}
.plan svg{max-height:180mm;width:auto;border:none}
}
"""


def _esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _span(low: float, high: float, decimals: int, unit: str = "", prefix: str = "") -> str:
    if abs(high - low) < 0.5 * 10 ** -decimals:
        return f"{prefix}{low:.{decimals}f}{unit}"
    return f"{prefix}{low:.{decimals}f}–{prefix}{high:.{decimals}f}{unit}"


def _subject(row: Mapping[str, Any]) -> str:
    if row["subject_distance_m"] is None:
        return "—"
    return f"{row['subject_distance_m']:.2f} m ({row['subject']})"


def _camera(row: Mapping[str, Any]) -> str:
    if row["source"] == "marks":
        return "marks " + ", ".join(row["marks"])
    return f"camera file {row['camera_file']}"


def _facts(row: Mapping[str, Any]) -> list[tuple[str, str]]:
    lens = ", ".join(row["lenses"]) or "—"
    kit = f"{row['lens_kit']} " if row["lens_kit"] else ""
    return [
        ("frames", f"{row['first_frame']}–{row['last_frame']} ({row['frames']} f, "
                   f"{row['seconds']:.2f} s)"),
        ("timecode", f"{row['timecode_in']} – {row['timecode_out']}"),
        ("handles", str(row["handles"])),
        ("camera", _camera(row)),
        ("body", row["body"] or "—"),
        ("lens", f"{kit}{lens}"),
        ("focal", _span(row["focal_mm_min"], row["focal_mm_max"], 0, " mm")),
        ("f-stop", _span(row["f_stop_min"], row["f_stop_max"], 1, prefix="f/")),
        ("height", f"{row['camera_height_m']:.2f} m"),
        ("tilt", f"{row['tilt_deg']:+.1f}°"),
        ("subject", _subject(row)),
    ]


def _relative(image: str | os.PathLike[str], folder: Path) -> str:
    path = Path(image)
    if not path.is_absolute():
        path = Path.cwd() / path
    return quote(Path(os.path.relpath(path, folder.resolve())).as_posix())


def _card(row: Mapping[str, Any], image: str | None) -> str:
    if image is not None:
        alt = f"Shot {row['id']}, frame {row['first_frame']}"
        picture = f'<img class="frame" src="{_esc(image)}" alt="{_esc(alt)}">'
    else:
        picture = '<div class="frame missing">no frame</div>'
    facts = "".join(f"<dt>{_esc(name)}</dt><dd>{_esc(value)}</dd>" for name, value in _facts(row))
    notes = f'<p class="notes">{_esc(row["notes"])}</p>' if row["notes"] else ""
    tags = "".join(f'<span class="tag">{_esc(tag)}</span>' for tag in row["tags"])
    tags = f'<p class="tags">{tags}</p>' if tags else ""
    return (f'<article class="card" id="shot-{_esc(row["id"])}">{picture}<div class="body">'
            f'<h2><span class="id">{_esc(row["id"])}</span>{_esc(row["description"])}</h2>'
            f"<dl>{facts}</dl>{notes}{tags}</div></article>")


def storyboard_html(
    plan: ShotPlan,
    rows: Sequence[Mapping[str, Any]],
    images: Mapping[str, str],
    floor_plan_svg: str | None = None,
) -> str:
    """Return the storyboard page as text.

    Parameters
    ----------
    plan : ShotPlan
        For the title and the sequence's facts.
    rows : sequence of dict
        The shot list (:func:`previz.io.shotlist.shot_rows`).
    images : mapping
        Shot id → the frame's URL relative to the page (already URL-quoted).
    floor_plan_svg : str or None
        An SVG made by :mod:`previz.render.floorplan` (its labels escaped),
        inlined as it is.
    """
    sequence = plan.sequence
    title = sequence.title or (plan.source.stem if plan.source else "Shot plan")
    frames = sum(row["frames"] for row in rows)
    seconds = sum(row["seconds"] for row in rows)
    facts = [
        f"{len(rows)} shots",
        f"{frames} frames ({seconds:.1f} s)",
        f"{format_rate(sequence.rate)} fps",
        f"{sequence.resolution[0]}×{sequence.resolution[1]}",
        f"set {plan.set.path}",
    ]
    if plan.source is not None:
        facts.insert(0, plan.source.name)
    aspect = f"{sequence.resolution[0]}/{sequence.resolution[1]}"
    cards = "\n".join(_card(row, images.get(row["id"])) for row in rows)
    plan_section = (f'<section class="plan"><h2>Floor plan</h2>\n{floor_plan_svg}\n</section>'
                    if floor_plan_svg else "")
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_esc(title)} – storyboard</title>\n"
        f"<style>{_CSS}.frame{{--aspect:{aspect}}}</style>\n</head>\n<body>\n"
        f"<header><h1>{_esc(title)}</h1><p>{_esc(' · '.join(facts))}</p></header>\n"
        f'<section class="sheet">\n{cards}\n</section>\n{plan_section}\n</body>\n</html>\n'
    )


def write_storyboard(
    plan: ShotPlan,
    rows: Sequence[Mapping[str, Any]],
    out_dir: str | os.PathLike[str],
    frames: Mapping[str, str | os.PathLike[str]],
    floor_plan_svg: str | None = None,
) -> Path:
    """Write ``storyboard.html`` into a folder.

    Parameters
    ----------
    plan : ShotPlan
        The plan.
    rows : sequence of dict
        Its shot list (:func:`previz.io.shotlist.shot_rows`).
    out_dir : str or path-like
        The folder (must exist); frames are referenced relative to it, so keep
        them inside it (``frames/``).
    frames : mapping
        Shot id → PNG file of the shot's frame; a shot without one gets an
        empty box.
    floor_plan_svg : str or None
        The floor plan to inline (:func:`previz.render.floorplan.plan_floor_plan`).

    Returns
    -------
    pathlib.Path
        The page (written under a temporary name, then moved into place).
    """
    folder = Path(out_dir)
    images = {shot: _relative(path, folder) for shot, path in frames.items()}
    target = folder / STORYBOARD_NAME
    with atomic_output(target) as stream:
        stream.write(storyboard_html(plan, rows, images, floor_plan_svg))
    return target
