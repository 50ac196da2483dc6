"""Shot plan files (``shots/*.toml``, schema ``previz.shotplan/1``): read, check, write.

Reading is strict: every key is checked with :class:`previz.io.datafiles.Table`,
so a wrong type, an unknown key or a missing value is an error naming the file
and the key path (``plan.toml: shots[2].frames: expected a whole number,
found 'long'``). Checks against the rig library and the file system are
:func:`previz.core.shotplan.validate_plan`.

Writing edits the user's file in place with tomlkit: values that did not change
are left exactly as written (spelling, comments, key order); a changed value is
replaced where it stands, keeping its trailing comment; tables that were
removed go, and new ones are added after the others of their kind. Comment
lines directly above a ``[[marks]]`` header travel with that mark (the block
above the *first* one stays where it is, as the section's heading). The new
text is checked by reading it back, written to a temporary file in the same
folder and moved into place, so a failed save leaves the old file whole.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import replace
from fractions import Fraction
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.items import AoT, Comment, Whitespace
from tomlkit.items import Table as TomlTable

from previz.core.lens import SensorFit
from previz.core.rig import RigLibrary
from previz.core.shotplan import (
    DEFAULT_START_FRAME,
    SCHEMA,
    SET_UNITS,
    CameraDefaults,
    Mark,
    PerformerSpec,
    Sequence,
    SetRef,
    ShotPlan,
    ShotSpec,
)
from previz.core.time import parse_rate
from previz.errors import DataFileError, InputError
from previz.io.datafiles import Table, read_toml
from previz.io.files import atomic_output
from previz.io.plan_assets import plan_camera_path

__all__ = ["new_plan", "plan_from_data", "read_plan", "save_marks", "set_shot_camera",
           "write_plan"]

_TOP_KEYS = ("schema", "sequence", "set", "camera", "performers", "marks", "shots")
_FITS = tuple(fit.value for fit in SensorFit)
_MISSING = object()
# Decimals kept when numbers are written (micrometres, micro-degrees).
_DECIMALS = 6

_HEADER = (
    "previz shot plan (schema previz.shotplan/1). Paths are relative to this file;",
    "previz keeps your comments and key order when it saves marks here.",
)


# ------------------------------------------------------------------ reading
def read_plan(path: str | os.PathLike[str]) -> ShotPlan:
    """Read and check a shot plan file.

    Parameters
    ----------
    path : str or path-like
        The ``.toml`` file.

    Returns
    -------
    ShotPlan
        With ``source`` set to ``path``.

    Raises
    ------
    DataFileError
        For a missing or unreadable file, bad TOML, a wrong schema, an unknown
        key, a value of the wrong type, duplicate names, unknown marks in a
        shot or bad frame ranges; the message names the file and the key path.
    """
    return plan_from_data(read_toml(path), path)


def plan_from_data(data: Mapping[str, Any], path: str | os.PathLike[str]) -> ShotPlan:
    """Build a plan from parsed TOML (see :func:`read_plan`).

    Parameters
    ----------
    data : mapping
        The parsed file.
    path : str or path-like
        The file it came from (named in messages; plan paths are relative to it).
    """
    top = Table(dict(data), os.fspath(path))
    top.only(*_TOP_KEYS)
    schema = top.text("schema")
    if schema != SCHEMA:
        raise top.error("schema", f"expected {SCHEMA!r}, found {schema!r}")
    camera = top.table("camera", None)
    return ShotPlan(
        sequence=_sequence(top.table("sequence")),
        set=_set(top.table("set")),
        camera=_camera(camera) if camera is not None else CameraDefaults(),
        performers=tuple(_performer(t) for t in top.tables("performers", optional=True)),
        marks=tuple(_mark(t) for t in top.tables("marks", optional=True)),
        shots=tuple(_shot(t) for t in top.tables("shots", optional=True)),
        source=Path(path),
    )


def _sequence(table: Table) -> Sequence:
    table.only("title", "rate", "resolution", "start_frame", "aspect")
    value = table.data.get("rate", _MISSING)
    if value is _MISSING:
        raise table.error("rate", "is required")
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise table.error("rate", f"expected a frame rate (24, \"24000/1001\"), found {value!r}")
    try:
        rate = parse_rate(value)
    except ValueError as error:
        raise table.error("rate", str(error)) from None
    width, height = table.pair("resolution", integer=True)
    if width <= 0 or height <= 0:
        raise table.error("resolution", f"expected two positive whole numbers, found "
                                        f"{[width, height]}")
    return Sequence(
        rate=rate,
        resolution=(width, height),
        title=table.text("title", ""),
        start_frame=table.integer("start_frame", DEFAULT_START_FRAME, minimum=0),
        aspect=table.number("aspect", None),
    )


def _set(table: Table) -> SetRef:
    table.only("path", "up_axis", "units", "scale")
    path = table.text("path")
    if not path.strip():
        raise table.error("path", "must name a set file or \"builtin:demo\"")
    up_axis = table.text("up_axis", None)
    if up_axis is not None and up_axis.lower() not in ("y", "z"):
        raise table.error("up_axis", f"{up_axis!r} is not one of y, z")
    units = table.choice("units", tuple(SET_UNITS), None)
    scale = table.number("scale", None)
    if units is not None and scale is not None:
        raise table.error("scale", "give units or scale, not both")
    return SetRef(path, None if up_axis is None else up_axis.lower(), units, scale)


def _camera(table: Table) -> CameraDefaults:
    table.only("body", "lens_kit", "support", "fit")
    return CameraDefaults(
        body=table.text("body", None),
        lens_kit=table.text("lens_kit", None),
        support=table.text("support", None),
        fit=SensorFit(table.choice("fit", _FITS, "fill")),
    )


def _trim(table: Table, key: str) -> tuple[int, int] | None:
    trim = table.pair(key, None, integer=True)
    if trim is not None and trim[0] > trim[1]:
        raise table.error(key, f"expected [first, last] with first <= last, found {list(trim)}")
    return trim


def _performer(table: Table) -> PerformerSpec:
    table.only("name", "take", "position", "heading", "scale", "time_offset", "trim")
    return PerformerSpec(
        name=table.text("name"),
        take=table.text("take"),
        position=table.vector("position", 3, (0.0, 0.0, 0.0)),
        heading=table.number("heading", 0.0, positive=False),
        scale=table.number("scale", None),
        time_offset=table.integer("time_offset", 0),
        trim=_trim(table, "trim"),
    )


def _mark(table: Table) -> Mark:
    table.only("name", "position", "pan", "tilt", "roll", "focal", "focus", "f_stop", "body",
               "note")
    focus = table.data.get("focus")
    return Mark(
        name=table.text("name"),
        position=table.vector("position", 3),
        focal=table.number("focal"),
        pan=table.number("pan", 0.0, positive=False),
        tilt=table.number("tilt", 0.0, positive=False),
        roll=table.number("roll", 0.0, positive=False),
        focus=math.inf if focus == math.inf else table.number("focus", math.inf),
        f_stop=table.number("f_stop", None),
        body=table.text("body", None),
        note=table.text("note", ""),
    )


def _shot(table: Table) -> ShotSpec:
    table.only("id", "description", "marks", "keys", "camera", "camera_trim", "frames",
               "frame_range", "handles", "lens", "notes", "tags")
    return ShotSpec(
        id=table.text("id"),
        description=table.text("description", ""),
        marks=table.texts("marks", ()),
        keys=table.integers("keys", None),
        camera=table.text("camera", None),
        camera_trim=_trim(table, "camera_trim"),
        frames=table.integer("frames", None, minimum=1),
        frame_range=_trim(table, "frame_range"),
        handles=table.integer("handles", 0, minimum=0),
        lens=table.number("lens", None),
        notes=table.text("notes", ""),
        tags=table.texts("tags", ()),
    )


# ---------------------------------------------------- records as TOML values
def _num(value: float) -> float:
    return round(float(value), _DECIMALS) + 0.0  # + 0.0 turns -0.0 into 0.0


def _rate(rate: Fraction) -> int | str:
    return rate.numerator if rate.denominator == 1 else f"{rate.numerator}/{rate.denominator}"


def _optional(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """The pairs whose value is given (not None, not empty)."""
    return {key: value for key, value in pairs if value is not None and value != "" and
            value != []}


def _dump_sequence(sequence: Sequence) -> dict[str, Any]:
    return _optional([
        ("title", sequence.title),
        ("rate", _rate(sequence.rate)),
        ("resolution", list(sequence.resolution)),
        ("start_frame", sequence.start_frame),
        ("aspect", None if sequence.aspect is None else _num(sequence.aspect)),
    ])


def _dump_set(ref: SetRef) -> dict[str, Any]:
    return _optional([
        ("path", ref.path),
        ("up_axis", ref.up_axis),
        ("units", ref.units),
        ("scale", None if ref.scale is None else _num(ref.scale)),
    ])


def _dump_camera(camera: CameraDefaults) -> dict[str, Any]:
    return _optional([
        ("body", camera.body),
        ("lens_kit", camera.lens_kit),
        ("support", camera.support),
        ("fit", None if camera.fit is SensorFit.FILL else camera.fit.value),
    ])


def _dump_performer(performer: PerformerSpec) -> dict[str, Any]:
    return _optional([
        ("name", performer.name),
        ("take", performer.take),
        ("position", [_num(v) for v in performer.position]),
        ("heading", _num(performer.heading)),
        ("scale", None if performer.scale is None else _num(performer.scale)),
        ("time_offset", performer.time_offset or None),
        ("trim", None if performer.trim is None else list(performer.trim)),
    ])


def _dump_mark(mark: Mark) -> dict[str, Any]:
    return _optional([
        ("name", mark.name),
        ("position", [_num(v) for v in mark.position]),
        ("pan", _num(mark.pan)),
        ("tilt", _num(mark.tilt)),
        ("roll", _num(mark.roll)),
        ("focal", _num(mark.focal)),
        ("focus", _num(mark.focus) if math.isfinite(mark.focus) else None),
        ("f_stop", None if mark.f_stop is None else _num(mark.f_stop)),
        ("body", mark.body),
        ("note", mark.note),
    ])


def _dump_shot(shot: ShotSpec) -> dict[str, Any]:
    return _optional([
        ("id", shot.id),
        ("description", shot.description),
        ("marks", list(shot.marks)),
        ("keys", None if shot.keys is None else list(shot.keys)),
        ("camera", shot.camera),
        ("camera_trim", None if shot.camera_trim is None else list(shot.camera_trim)),
        ("frames", shot.frames),
        ("frame_range", None if shot.frame_range is None else list(shot.frame_range)),
        ("handles", shot.handles or None),
        ("lens", None if shot.lens is None else _num(shot.lens)),
        ("notes", shot.notes),
        ("tags", list(shot.tags)),
    ])


# ------------------------------------------------------- editing with tomlkit
_Entry = tuple[Any, Any]  # (tomlkit key or None, tomlkit item) in a container body


def _pop_tail(table: TomlTable) -> list[_Entry]:
    """Take the blank lines and comments off the end of a table's body."""
    body = table.value.body
    tail: list[_Entry] = []
    while body and body[-1][0] is None and isinstance(body[-1][1], Whitespace | Comment):
        tail.insert(0, body.pop())
    return tail


def _split_tail(tail: list[_Entry]) -> tuple[list[_Entry], list[_Entry]]:
    """Split a tail into the table's own part and the comment lines right above the next header."""
    cut = len(tail)
    while cut > 0 and isinstance(tail[cut - 1][1], Comment):
        cut -= 1
    return tail[:cut], tail[cut:]


def _blank() -> list[_Entry]:
    return [(None, Whitespace("\n"))]


def _sync_table(table: Any, new: dict[str, Any], old: dict[str, Any]) -> None:
    """Make a tomlkit table hold ``new``, touching only the keys whose meaning changed.

    ``old`` is what the table held, as written by the same dump function, so a
    value the user spelled differently (``pan = 10`` for ``10.0``) is left alone.
    """
    tail = _pop_tail(table) if isinstance(table, TomlTable) else []
    for key in [*old, *(k for k in new if k not in old)]:
        if old.get(key) == new.get(key):
            continue
        if key in new:
            table[key] = new[key]
        elif key in table:
            del table[key]
    if isinstance(table, TomlTable):
        table.value.body.extend(tail)


def _new_table(values: dict[str, Any]) -> TomlTable:
    table = tomlkit.table()
    for key, value in values.items():
        table.add(key, value)
    return table


def _ends_with_blank_line(doc: tomlkit.TOMLDocument) -> bool:
    text = doc.as_string()
    return not text or text.endswith("\n\n")


def _append_section(doc: tomlkit.TOMLDocument, key: str, item: Any) -> None:
    """Add a table or array of tables at the end of the document, after a blank line."""
    first = item if isinstance(item, TomlTable) else item.body[0]
    if not _ends_with_blank_line(doc):
        first.trivia.indent = "\n" + first.trivia.indent
    doc.append(key, item)


def _sync_section(doc: tomlkit.TOMLDocument, key: str, new: dict[str, Any],
                  old: dict[str, Any]) -> None:
    if key in doc:
        _sync_table(doc[key], new, old)
    elif new:
        _append_section(doc, key, _new_table(new))


def _sync_array(
    doc: tomlkit.TOMLDocument,
    key: str,
    old: tuple[Any, ...],
    new: tuple[Any, ...],
    dump: Callable[[Any], dict[str, Any]],
    identity: Callable[[Any], str],
    renamed: Mapping[str, str],
    source: str,
) -> None:
    """Make ``[[key]]`` hold ``new``: keep, edit, reorder, add and drop tables.

    Each table keeps the comment lines right above its header (stored by tomlkit
    at the end of the previous table), its own comments and trailing blank
    lines; the comments above the section that follows stay above it.
    """
    if key not in doc:
        if new:
            aot = tomlkit.aot()
            for record in new:
                aot.append(_new_table(dump(record)))
            _append_section(doc, key, aot)
        return
    aot = doc[key]
    if not old and not isinstance(aot, AoT):  # ``marks = []``: replace it with tables
        if new:
            del doc[key]
            _sync_array(doc, key, old, new, dump, identity, renamed, source)
        return
    if not isinstance(aot, AoT) or len(aot.body) != len(old) or \
            sum(1 for k, _ in doc.body if k is not None and k.key == key) != 1:
        raise DataFileError(
            f"{source}: {key}: previz edits only [[{key}]] tables written together in one place"
        )
    tables = list(aot.body)
    splits = [_split_tail(_pop_tail(table)) for table in tables]
    leads = [[]] + [lead for _own, lead in splits[:-1]]
    closing = splits[-1][1] if splits else []
    index = {renamed.get(identity(r), identity(r)): i for i, r in enumerate(old)}
    placed: list[tuple[TomlTable, list[_Entry], list[_Entry] | None, bool]] = []
    for record in new:
        at = index.get(identity(record))
        if at is None:
            placed.append((_new_table(dump(record)), [], None, False))
        else:
            _sync_table(tables[at], dump(record), dump(old[at]))
            placed.append((tables[at], leads[at], splits[at][0], at == len(tables) - 1))
    if not placed:
        _drop_array(doc, key, closing)
        return
    last_own = splits[-1][0] if splits else []
    del aot[:]
    _put_before(doc, _position(doc, key), placed[0][1])  # a table moved to the top
    for position, (table, _lead, own, was_last) in enumerate(placed):
        is_last = position == len(placed) - 1
        if own is None:
            own = last_own if is_last else _blank()
        elif was_last and not is_last and not own:
            own = _blank()
        following = closing if is_last else placed[position + 1][1]
        table.value.body.extend([*own, *following])
        aot.append(table)


def _drop_array(doc: tomlkit.TOMLDocument, key: str, closing: list[_Entry]) -> None:
    """Remove ``[[key]]``, leaving the comments above the next section in place."""
    position = _position(doc, key)
    del doc[key]  # tomlkit leaves a placeholder, so positions do not move
    _put_before(doc, position, closing)


def _position(doc: tomlkit.TOMLDocument, key: str) -> int:
    return next(i for i, (k, _) in enumerate(doc.body) if k is not None and k.key == key)


def _put_before(doc: tomlkit.TOMLDocument, position: int, entries: list[_Entry]) -> None:
    """Put comment lines just above the document item at ``position``."""
    if not entries:
        return
    previous = doc.body[position - 1][1] if position > 0 else None
    if isinstance(previous, AoT) and previous.body:
        previous = previous.body[-1]
    if isinstance(previous, TomlTable):
        previous.value.body.extend(entries)
        return
    # Root-level lines: tomlkit indexes keyed items by position, so shift them.
    table = doc._map  # no public way to insert comment lines mid-document
    for name, at in list(table.items()):
        if isinstance(at, tuple):
            table[name] = tuple(i + len(entries) if i >= position else i for i in at)
        elif at >= position:
            table[name] = at + len(entries)
    doc.body[position:position] = entries


def _sync_document(doc: tomlkit.TOMLDocument, old: ShotPlan | None, plan: ShotPlan,
                   renamed: Mapping[str, str], source: str) -> None:
    if "schema" not in doc:
        doc.add("schema", SCHEMA)
        doc.add(tomlkit.nl())
    for key, new, before in (
        ("sequence", _dump_sequence(plan.sequence), old and _dump_sequence(old.sequence)),
        ("set", _dump_set(plan.set), old and _dump_set(old.set)),
        ("camera", _dump_camera(plan.camera), old and _dump_camera(old.camera)),
    ):
        _sync_section(doc, key, new, before or {})
    for key, dump, identity, renames in (
        ("performers", _dump_performer, lambda p: p.name, {}),
        ("marks", _dump_mark, lambda m: m.name, renamed),
        ("shots", _dump_shot, lambda s: s.id, {}),
    ):
        before = getattr(old, key) if old is not None else ()
        _sync_array(doc, key, before, getattr(plan, key), dump, identity, renames, source)


# ------------------------------------------------------------------ writing
def _load_document(target: Path) -> tuple[str, tomlkit.TOMLDocument, ShotPlan]:
    try:
        text = target.read_bytes().decode("utf-8")
    except OSError as error:
        raise DataFileError(f"{target}: cannot read: {error.strerror}") from None
    except UnicodeDecodeError:
        raise DataFileError(f"{target}: not UTF-8 text") from None
    if text and not text.endswith("\n"):
        text += "\n"
    try:
        old = plan_from_data(tomllib.loads(text), target)
    except tomllib.TOMLDecodeError as error:
        raise DataFileError(f"{target}: not valid TOML: {error}") from None
    return text, tomlkit.parse(text), old


def _fresh_document() -> tomlkit.TOMLDocument:
    doc = tomlkit.document()
    for line in _HEADER:
        doc.add(tomlkit.comment(line))
    doc.add(tomlkit.nl())
    return doc


def write_plan(
    plan: ShotPlan,
    path: str | os.PathLike[str] | None = None,
    *,
    renamed_marks: Mapping[str, str] | None = None,
    fresh: bool = False,
) -> Path:
    """Write a plan, editing the existing file so the user's formatting stays.

    Parameters
    ----------
    plan : ShotPlan
        What the file must say. Paths in it are written as they are (relative
        to the file's folder).
    path : str, path-like or None
        The file (default: ``plan.source``).
    renamed_marks : mapping or None, keyword-only
        Old mark name → new name, so a renamed mark keeps its table (and the
        comments in it) instead of being dropped and added again.
    fresh : bool, keyword-only
        Ignore what the file holds and write the plan from scratch.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    DataFileError
        When the existing file is not a valid plan, or the result would not be.
    OperationError
        When the file cannot be written.
    """
    if path is None and plan.source is None:
        raise InputError("write_plan: the plan has no source file; give a path")
    target = Path(path) if path is not None else plan.source
    assert target is not None
    if target.exists() and not fresh:
        original, doc, old = _load_document(target)
    else:
        original, doc, old = "", _fresh_document(), None
    _sync_document(doc, old, plan, renamed_marks or {}, os.fspath(target))
    text = tomlkit.dumps(doc)
    if "\r\n" in original:  # keep a Windows file's line endings on the lines we add
        text = re.sub(r"(?<!\r)\n", "\r\n", text)
    plan_from_data(tomllib.loads(text), target)  # never write a file previz cannot read
    with atomic_output(target, edit=True) as stream:
        stream.write(text)
    return target


def save_marks(
    path: str | os.PathLike[str],
    marks: tuple[Mark, ...] | list[Mark],
    *,
    renamed: Mapping[str, str] | None = None,
) -> ShotPlan:
    """Replace a plan file's marks, keeping everything else as the user wrote it.

    Marks are matched to the file's ``[[marks]]`` tables by name: a table whose
    mark is gone is removed, a new mark gets a new table after the others, a
    changed mark has only its changed keys rewritten.

    Parameters
    ----------
    path : str or path-like
        The plan file.
    marks : sequence of Mark
        Every mark the plan should have, in order.
    renamed : mapping or None, keyword-only
        Old name → new name for renamed marks; shots that use them are updated.

    Returns
    -------
    ShotPlan
        The plan as saved.

    Raises
    ------
    InputError
        When a removed mark is still used by a shot (naming both), or
        ``renamed`` names a mark the file does not have.
    """
    target = Path(path)
    plan = read_plan(target)
    renames = dict(renamed or {})
    names = [m.name for m in plan.marks]
    for old_name in renames:
        if old_name not in names:
            raise InputError(f"{target}: cannot rename mark {old_name!r}: no such mark; "
                             f"valid: {', '.join(names) or '(none)'}")
    kept = {m.name for m in marks}
    shots = []
    for index, shot in enumerate(plan.shots):
        used = tuple(renames.get(name, name) for name in shot.marks)
        for position, name in enumerate(used):
            if name not in kept:
                raise InputError(f"{target}: shots[{index}].marks[{position}]: cannot remove "
                                 f"mark {name!r}: shot {shot.id!r} uses it")
        shots.append(replace(shot, marks=used) if used != shot.marks else shot)
    updated = replace(plan, marks=tuple(marks), shots=tuple(shots))
    write_plan(updated, target, renamed_marks=renames)
    return updated


def set_shot_camera(
    path: str | os.PathLike[str],
    shot_id: str,
    camera: str | os.PathLike[str],
    library: RigLibrary | None,
    *,
    trim: tuple[int, int] | None = None,
) -> tuple[ShotPlan, ShotSpec]:
    """Make a recorded camera path a shot's camera, keeping the rest of the file as written.

    The shot's marks and keys give way to the file (the marks stay in the plan).
    Before anything is written, the shot's camera is worked out from the file,
    so a file too short for the shot, a trim outside it or a file previz cannot
    read leaves the plan as it was.

    Parameters
    ----------
    path : str or path-like
        The plan file.
    shot_id : str
        The shot.
    camera : str or path-like
        The camera path file (a ``.vtake`` take, or any camera-path format);
        written relative to the plan's folder.
    library : RigLibrary or None
        The rig library, for a plan that names a body or lens kit.
    trim : (int, int) or None, keyword-only
        First and last frame of the file the shot uses, numbered as the file
        numbers them (default: from its first frame).

    Returns
    -------
    (ShotPlan, ShotSpec)
        The plan as saved, and the shot as it was before.

    Raises
    ------
    InputError
        For an unknown shot or a missing camera file.
    DataFileError
        Naming ``shots[i].camera`` when the file does not give the shot's frames.
    """
    target = Path(path)
    plan = read_plan(target)
    index = plan.index(shot_id)
    source = Path(camera)
    if not source.is_file():
        raise InputError(f"{source}: no such camera file")
    relative = Path(os.path.relpath(source.resolve(), target.resolve().parent)).as_posix()
    before = plan.shots[index]
    shot = replace(before, marks=(), keys=None, camera=relative, camera_trim=trim)
    updated = replace(plan, shots=(*plan.shots[:index], shot, *plan.shots[index + 1 :]))
    plan_camera_path(updated, shot_id, library)  # the file gives every frame of the shot
    write_plan(updated, target)
    return updated, before


def new_plan(
    path: str | os.PathLike[str],
    set_path: str,
    *,
    title: str = "",
    rate: Fraction | float | str = 24,
    resolution: tuple[int, int] = (1920, 1080),
    start_frame: int = DEFAULT_START_FRAME,
    body: str | None = None,
    lens_kit: str | None = None,
    support: str | None = None,
    overwrite: bool = False,
) -> ShotPlan:
    """Create a plan file with a sequence, a set and camera defaults, no marks or shots.

    Parameters
    ----------
    path : str or path-like
        The ``.toml`` file to create.
    set_path : str
        ``"builtin:demo"`` or the set file; an absolute path is written
        relative to the plan's folder.
    title, rate, resolution, start_frame : keyword-only
        The sequence.
    body, lens_kit, support : str or None, keyword-only
        Camera defaults (``BODY[:MODE]``, lens kit and support names).
    overwrite : bool, keyword-only
        Replace an existing file.

    Raises
    ------
    InputError
        When the file exists and ``overwrite`` is not set, or a value is bad.
    """
    target = Path(path)
    if target.exists() and not overwrite:
        raise InputError(f"{target}: already exists (pass overwrite=True to replace it)")
    if Path(set_path).is_absolute():
        set_path = Path(os.path.relpath(set_path, target.resolve().parent)).as_posix()
    try:
        sequence = Sequence(parse_rate(rate), tuple(resolution), title, int(start_frame))
    except ValueError as error:
        raise InputError(f"{target}: sequence: {error}") from None
    plan = ShotPlan(
        sequence=sequence,
        set=SetRef(set_path),
        camera=CameraDefaults(body=body, lens_kit=lens_kit, support=support),
        source=target,
    )
    write_plan(plan, target, fresh=True)
    return plan
