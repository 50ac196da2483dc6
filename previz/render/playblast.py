"""Playblasts: every frame of a plan's shots as PNGs, and one H.264 movie per shot.

A shot is rendered as it will be cut: its frame range (no handles), the shot's
camera path, the performers posed at each frame, framing guides and the
burn-ins of ``previz frames`` (shot, body, lens, focal, focus, frame,
timecode). Output for shot ``010`` in ``DIR``::

    DIR/010/010.1001.png ...   every frame
    DIR/010.mp4                H.264, yuv420p, at the sequence rate

Work is split into chunks of consecutive frames. :func:`render_chunk` renders
one chunk; it is a top-level function of plain arguments, so the same chunks
go to local worker processes (spawned, never forked: VTK must not be forked)
or to a Dask cluster (:mod:`previz.render.farm`). A worker loads the set and
performers once and keeps its renderer for every later chunk of the same plan.

Nothing final is half-written: frames go to ``DIR/.<shot>.partial/``, renamed
to ``DIR/<shot>/`` when the shot is complete, and the movie is encoded under a
temporary name and moved into place. A failure or Ctrl-C removes the partial
outputs of the shots not finished; shots finished before stay.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import shutil
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from previz.core.rig import RigLibrary
from previz.core.shotplan import ShotPlan
from previz.errors import InputError, OperationError
from previz.io.plan_assets import FramedStill, plan_set, plan_takes, shot_views, timecode
from previz.render.frame import FrameRenderer, lens_burnins, write_png
from previz.render.guides import Burnins
from previz.render.stills import plan_guides, safe_file_name

__all__ = [
    "DEFAULT_CHUNK_FRAMES",
    "MOVIE_CRF",
    "Chunk",
    "ShotPlayblast",
    "encode_movie",
    "frame_file_name",
    "plan_chunks",
    "playblast",
    "release_worker_cache",
    "render_chunk",
    "run_chunks",
    "shot_burnins",
    "shot_frames",
]

#: Frames per chunk: small enough to spread a shot over workers and report
#: progress often, large enough that the per-chunk overhead (a camera path
#: evaluation, one task round trip) is negligible next to the frames.
DEFAULT_CHUNK_FRAMES = 8

#: x264 constant rate factor of review movies (18: visually lossless for
#: flat-shaded previz; burn-in text stays sharp).
MOVIE_CRF = 18

#: ``on_done(index, frames_written)``: called in the caller's thread per chunk.
ChunkDone = Callable[[int, int], None]


# ---------------------------------------------------------------- frames and names
def frame_file_name(shot_id: str, frame: int) -> str:
    """The PNG name of one frame of a shot: ``<shot>.<frame:04d>.png``."""
    safe = safe_file_name(shot_id)
    return f"{safe}.{frame:04d}.png"


def shot_frames(plan: ShotPlan, shot_id: str, max_frames: int | None = None) -> list[int]:
    """The frames a playblast renders of a shot: its range, or its first ``max_frames``.

    Raises
    ------
    InputError
        For an unknown shot (naming the plan and the valid ids) or a
        ``max_frames`` below 1.
    """
    first, last = plan.frame_range(shot_id)
    if max_frames is not None:
        if max_frames < 1:
            raise InputError(f"max_frames: expected a whole number >= 1, got {max_frames}")
        last = min(last, first + max_frames - 1)
    return list(range(first, last + 1))


def shot_burnins(plan: ShotPlan, still: FramedStill) -> Burnins:
    """The burn-ins of a shot frame: shot and description, body, lens, frame and timecode."""
    shot = plan.shot(still.shot_id)
    kit = still.camera.lens_kit
    lens = f"{kit} {still.view.optics.lens.focal_mm:g}mm" if kit else ""
    return lens_burnins(still.view, shot=f"{shot.id}  {shot.description}".strip(),
                        body=still.camera.body, lens=lens, frame=still.frame,
                        timecode=timecode(plan, still.frame))


# ---------------------------------------------------------------- the chunk function
@dataclass(frozen=True, eq=False)
class _LoadedPlan:
    """A plan with its rig library, set and placed takes, loaded once per worker."""

    key: tuple[str, int]
    plan: ShotPlan
    library: RigLibrary
    set_model: Any
    takes: list[Any]


class _WorkerScene(threading.local):
    """What a worker keeps between chunks: the loaded plan and a renderer.

    Thread-local: an OpenGL context belongs to one thread, so a Dask worker
    running several threads gets one scene per thread.
    """

    def __init__(self) -> None:
        self.loaded: _LoadedPlan | None = None
        self.renderer: FrameRenderer | None = None


_SCENE = _WorkerScene()


def release_worker_cache() -> None:
    """Close this thread's cached renderer and forget its plan (see :func:`render_chunk`)."""
    state = _SCENE
    if state.renderer is not None:
        state.renderer.close()
    state.loaded = None
    state.renderer = None


def _plan_key(plan_path: str) -> tuple[str, int]:
    path = Path(plan_path)
    try:
        return str(path.resolve()), path.stat().st_mtime_ns
    except OSError as error:
        raise InputError(f"{plan_path}: cannot read the shot plan: "
                         f"{error.strerror or error}") from None


def _worker_scene(plan_path: str, size: tuple[int, int]) -> tuple[_LoadedPlan, FrameRenderer]:
    """The cached plan and renderer for ``plan_path`` at ``size`` (built when needed)."""
    from previz.io.datafiles import load_rig_library
    from previz.io.shotplan_toml import read_plan

    state = _SCENE
    key = _plan_key(plan_path)
    loaded = state.loaded
    if loaded is None or loaded.key != key:  # another plan, or the file changed
        release_worker_cache()
        plan = read_plan(plan_path)
        loaded = _LoadedPlan(key, plan, load_rig_library(), plan_set(plan), plan_takes(plan))
        state.loaded = loaded
    renderer = state.renderer
    if renderer is None or renderer.size != size:
        if renderer is not None:
            state.renderer = None
            renderer.close()
        renderer = FrameRenderer(loaded.set_model, size, loaded.takes,
                                 guides=plan_guides(loaded.plan))
        state.renderer = renderer
    return loaded, renderer


def render_chunk(plan_path: str, shot_id: str, frames: Sequence[int], size: Sequence[int],
                 folder: str) -> int:
    """Render frames of one shot to ``folder/<shot>.<frame:04d>.png``.

    The unit of work of a playblast, on a local worker process or a farm
    node: plain, picklable arguments, and a scene kept per worker (the plan's
    set and performers are loaded on the first chunk and reused while the
    plan file is unchanged).

    Parameters
    ----------
    plan_path : str
        The shot plan file (the worker reads it; on a farm, a path every node sees).
    shot_id : str
        The shot.
    frames : sequence of int
        Sequence frame numbers inside the shot (handles allowed).
    size : (int, int)
        Width and height in pixels.
    folder : str
        An existing folder for the PNGs.

    Returns
    -------
    int
        The number of frames written.
    """
    width, height = (int(v) for v in size)
    loaded, renderer = _worker_scene(plan_path, (width, height))
    plan = loaded.plan
    target = Path(folder)
    stills = shot_views(plan, shot_id, loaded.library, frames=[int(f) for f in frames],
                        size=(width, height))
    for still in stills:
        image = renderer.render(still.view, stage_time=still.stage_time,
                                burnins=shot_burnins(plan, still))
        write_png(image, target / frame_file_name(shot_id, still.frame))
    return len(stills)


# ---------------------------------------------------------------- chunks and runners
@dataclass(frozen=True)
class Chunk:
    """Consecutive frames of one shot, as :func:`render_chunk` takes them."""

    plan: str
    shot_id: str
    frames: tuple[int, ...]
    size: tuple[int, int]
    folder: str

    def arguments(self) -> tuple[str, str, list[int], tuple[int, int], str]:
        """The positional arguments of :func:`render_chunk` for this chunk."""
        return self.plan, self.shot_id, list(self.frames), self.size, self.folder


def plan_chunks(plan_path: str, shot_id: str, frames: Sequence[int], size: tuple[int, int],
                folder: str, chunk_frames: int = DEFAULT_CHUNK_FRAMES) -> list[Chunk]:
    """Split a shot's frames into chunks of at most ``chunk_frames`` consecutive frames."""
    if chunk_frames < 1:
        raise InputError(f"chunk_frames: expected a whole number >= 1, got {chunk_frames}")
    frames = list(frames)
    return [Chunk(plan_path, shot_id, tuple(frames[i:i + chunk_frames]), size, folder)
            for i in range(0, len(frames), chunk_frames)]


def _init_worker(gl_threads: int | None) -> None:
    """Start a local worker: share the CPU renderer's threads fairly between workers."""
    if gl_threads is not None:
        os.environ.setdefault("LP_NUM_THREADS", str(gl_threads))


def _run_in_process(function: Callable[..., int], calls: Sequence[tuple[Any, ...]],
                    on_done: ChunkDone) -> None:
    try:
        for index, arguments in enumerate(calls):
            on_done(index, function(*arguments))
    finally:
        release_worker_cache()


def _run_in_pool(function: Callable[..., int], calls: Sequence[tuple[Any, ...]],
                 on_done: ChunkDone, workers: int) -> None:
    count = max(1, min(workers, len(calls)))
    cpus = os.cpu_count() or 1
    pool = ProcessPoolExecutor(max_workers=count, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_init_worker,
                               initargs=(max(1, cpus // count) if count > 1 else None,))
    try:
        futures = {pool.submit(function, *arguments): index
                   for index, arguments in enumerate(calls)}
        for future in as_completed(futures):
            on_done(futures[future], future.result())
    except BrokenProcessPool as error:
        raise OperationError(f"a render worker process died ({error}); "
                             f"try again with workers=0 to see the error") from None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def run_chunks(function: Callable[..., int], calls: Sequence[tuple[Any, ...]],
               on_done: ChunkDone, *, workers: int | None = None,
               scheduler: str | None = None) -> None:
    """Run ``function(*arguments)`` for every entry of ``calls``, where the caller says.

    Parameters
    ----------
    function : callable
        A top-level (picklable) function returning the frames it wrote.
    calls : sequence of tuple
        Positional arguments, one tuple per call.
    on_done : callable
        ``on_done(index, result)``, called in this thread as each call
        finishes (in any order).
    workers : int or None, keyword-only
        Local worker processes (spawned); None: one per CPU; 0: in this
        process, one call after the other.
    scheduler : str or None, keyword-only
        ``tcp://HOST:PORT`` of a Dask scheduler; overrides ``workers``.

    Raises
    ------
    Exception
        The first error a call raised; the calls not started are cancelled.
    """
    if scheduler is not None:
        from previz.render.farm import run_on_cluster

        run_on_cluster(scheduler, function, calls, on_done)
    elif workers == 0:
        _run_in_process(function, calls, on_done)
    else:
        if workers is not None and workers < 0:
            raise InputError(f"workers: expected a whole number >= 0, got {workers}")
        _run_in_pool(function, calls, on_done, workers or os.cpu_count() or 1)


# ---------------------------------------------------------------- movies
def _even(image: NDArray[np.uint8]) -> NDArray[np.uint8]:
    """Pad an RGB image to even width and height by repeating its last column/row."""
    height, width = image.shape[:2]
    pad = ((0, height % 2), (0, width % 2), (0, 0))
    return np.ascontiguousarray(np.pad(image, pad, mode="edge") if any(p[1] for p in pad)
                                else image)


def _ffmpeg_rate(rate: Fraction) -> Fraction:
    """The rate as a rational ffmpeg takes (32-bit numerator and denominator)."""
    rate = Fraction(rate)
    if rate.numerator < 2**31 and rate.denominator < 2**31:
        return rate
    return rate.limit_denominator(1_000_000)


def _movie_options(rate: Fraction, start_timecode: str | None, title: str) -> list[str]:
    options = [
        "-preset", "medium", "-crf", str(MOVIE_CRF),
        "-g", str(max(1, round(float(rate)))),  # a keyframe a second: scrubbing in review
        # RGB to BT.709 video-range YUV, tagged so players convert back the same way
        "-vf", "scale=out_color_matrix=bt709:out_range=tv,setparams=range=tv:"
               "color_primaries=bt709:color_trc=bt709:colorspace=bt709",
        "-movflags", "+faststart",
    ]
    if start_timecode and len(start_timecode) == 11:  # HH:MM:SS:FF (or ;FF drop-frame)
        options += ["-timecode", start_timecode]
    if title:
        options += ["-metadata", f"title={title}"]
    return options


def _encode(frames: Iterable[NDArray[np.uint8]], target: Path, rate: Fraction,
            start_timecode: str | None, title: str) -> int:
    import imageio_ffmpeg

    writer = None
    count = 0
    try:
        for image in frames:
            image = _even(np.asarray(image, dtype=np.uint8)[..., :3])
            if writer is None:
                writer = imageio_ffmpeg.write_frames(
                    str(target), (image.shape[1], image.shape[0]), pix_fmt_in="rgb24",
                    pix_fmt_out="yuv420p", fps=_ffmpeg_rate(rate), codec="libx264",
                    quality=None, macro_block_size=1, ffmpeg_log_level="error",
                    output_params=_movie_options(rate, start_timecode, title))
                writer.send(None)
            writer.send(image)
            count += 1
    finally:
        if writer is not None:
            writer.close()
    return count


def _encode_files(frames: Iterable[str | os.PathLike[str] | NDArray[np.uint8]], target: Path,
                  rate: Fraction, start_timecode: str | None, title: str) -> int:
    """Encode images (arrays or image files) straight into ``target`` (no temporary name)."""
    from PIL import Image

    def images() -> Iterable[NDArray[np.uint8]]:
        for item in frames:
            if isinstance(item, np.ndarray):
                yield item
            else:
                with Image.open(item) as image:
                    yield np.asarray(image.convert("RGB"))

    try:
        return _encode(images(), target, Fraction(rate), start_timecode, title)
    except (OSError, RuntimeError) as error:
        raise OperationError(f"{target}: cannot encode the movie: {error}") from error


def encode_movie(frames: Iterable[str | os.PathLike[str] | NDArray[np.uint8]],
                 target: str | os.PathLike[str], rate: Fraction | int, *,
                 start_timecode: str | None = None, title: str = "") -> Path:
    """Encode images into an H.264 MP4 review movie.

    yuv420p (plays everywhere), BT.709, constant quality (:data:`MOVIE_CRF`),
    a keyframe every second, the index at the front of the file. An odd
    width or height is padded by one pixel (H.264 4:2:0 needs even sizes).
    The movie is written under a temporary name and moved into place.

    Parameters
    ----------
    frames : iterable of path or numpy.ndarray
        Image files (PNG) or RGB(A) uint8 arrays (height, width, 3 or 4), in
        order, all of one size.
    target : str or path-like
        The ``.mp4`` to write.
    rate : Fraction or int
        Frames per second, kept exact (24000/1001 stays 24000/1001).
    start_timecode : str, optional
        ``HH:MM:SS:FF`` of the first frame, stored as the movie's timecode.
    title : str, optional
        Stored as the movie's title.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    InputError
        When there are no frames or the target's folder does not exist.
    OperationError
        When ffmpeg fails.
    """
    target = Path(target)
    if not target.parent.is_dir():
        raise InputError(f"{target}: cannot write: folder {target.parent} does not exist")
    temporary = target.with_name(f".{target.name}.partial.mp4")
    try:
        if _encode_files(frames, temporary, Fraction(rate), start_timecode, title) == 0:
            raise InputError(f"{target}: no frames to encode")
        os.replace(temporary, target)
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink()
    return target


# ---------------------------------------------------------------- the playblast
@dataclass(frozen=True)
class ShotPlayblast:
    """One shot's playblast: where its frames and movie are."""

    shot_id: str
    first_frame: int
    last_frame: int
    folder: Path
    movie: Path | None

    @property
    def frame_count(self) -> int:
        """Frames rendered."""
        return self.last_frame - self.first_frame + 1


@dataclass
class _ShotJob:
    shot_id: str
    frames: list[int]
    partial: Path
    final: Path
    movie: Path | None
    remaining: int = 0
    done: bool = False
    chunks: list[Chunk] = field(default_factory=list)

    def prepare(self) -> None:
        if self.final.exists() and not self.final.is_dir():
            raise InputError(f"{self.final}: exists and is not a folder")
        if self.movie is not None and self.movie.is_dir():
            raise InputError(f"{self.movie}: is a folder")
        shutil.rmtree(self.partial, ignore_errors=True)  # left by a killed run
        self.partial.mkdir()
        self.remaining = len(self.frames)

    def discard(self) -> None:
        shutil.rmtree(self.partial, ignore_errors=True)
        if self.movie is not None:
            with contextlib.suppress(OSError):
                self._movie_temporary().unlink()

    def _movie_temporary(self) -> Path:
        assert self.movie is not None
        return self.movie.with_name(f".{self.movie.name}.partial.mp4")

    def finish(self, plan: ShotPlan) -> ShotPlayblast:
        """Encode the movie, then move the folder and the movie into place."""
        paths = [self.partial / frame_file_name(self.shot_id, f) for f in self.frames]
        if self.movie is not None:
            shot = plan.shot(self.shot_id)
            _encode_files(paths, self._movie_temporary(), plan.sequence.rate,
                          timecode(plan, self.frames[0]), f"{shot.id}  {shot.description}".strip())
        if self.final.is_dir():
            old = self.final.with_name(f".{self.final.name}.old-{os.getpid()}")
            self.final.rename(old)
            self.partial.rename(self.final)
            shutil.rmtree(old, ignore_errors=True)
        else:
            self.partial.rename(self.final)
        if self.movie is not None:
            os.replace(self._movie_temporary(), self.movie)
        self.done = True
        return ShotPlayblast(self.shot_id, self.frames[0], self.frames[-1], self.final,
                             self.movie)


def _load_plan(plan: ShotPlan | str | os.PathLike[str]) -> tuple[ShotPlan, str]:
    from previz.core.shotplan import validate_plan
    from previz.io.datafiles import load_rig_library
    from previz.io.shotplan_toml import read_plan

    if isinstance(plan, ShotPlan):
        if plan.source is None or not plan.source.is_file():
            raise InputError("a playblast needs a shot plan saved to a file: its workers "
                             "read the plan themselves")
        path = plan.source
    else:
        path = Path(plan)
        plan = read_plan(path)
    validate_plan(plan, load_rig_library())
    return plan, str(path.resolve())


def _selected(plan: ShotPlan, shots: Sequence[str] | None) -> list[str]:
    if shots is None:
        return [shot.id for shot in plan.shots]
    chosen: list[str] = []
    for shot_id in shots:
        plan.index(shot_id)  # raises naming the plan and the valid ids
        if shot_id not in chosen:
            chosen.append(shot_id)
    if not chosen:
        raise InputError(f"{plan.source}: no shots chosen; valid: "
                         f"{', '.join(s.id for s in plan.shots)}")
    names: dict[str, str] = {}
    for shot_id in chosen:
        safe = safe_file_name(shot_id)
        if safe in names:
            raise InputError(f"{plan.source}: shots {names[safe]!r} and {shot_id!r} would both "
                             f"be written as {safe!r}")
        names[safe] = shot_id
    return chosen


def playblast(
    plan: ShotPlan | str | os.PathLike[str],
    folder: str | os.PathLike[str],
    *,
    shots: Sequence[str] | None = None,
    size: tuple[int, int] | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    movie: bool = True,
    max_frames: int | None = None,
    chunk_frames: int = DEFAULT_CHUNK_FRAMES,
    progress: Callable[[int], None] | None = None,
) -> list[ShotPlayblast]:
    """Render every frame of a plan's shots to PNGs and encode one movie per shot.

    Parameters
    ----------
    plan : ShotPlan or path
        The shot plan, saved to a file (workers read it themselves).
    folder : str or path-like
        Output folder (created if missing): ``<shot>/<shot>.<frame:04d>.png``
        and ``<shot>.mp4`` per shot.
    shots : sequence of str, optional
        Shot ids to render, in this order (default: all, in plan order).
    size : (int, int), optional
        Frame size (default: the plan's resolution).
    workers : int or None, keyword-only
        Local worker processes (default: one per CPU); 0 renders in this process.
    scheduler : str or None, keyword-only
        ``tcp://HOST:PORT`` of a Dask scheduler to render on instead (see
        :mod:`previz.render.farm`).
    movie : bool, keyword-only
        Encode ``<shot>.mp4`` (False: PNGs only).
    max_frames : int or None, keyword-only
        Render only the first ``max_frames`` frames of each shot.
    chunk_frames : int, keyword-only
        Frames per unit of work.
    progress : callable, optional
        Called with the number of frames just finished (as chunks complete).

    Returns
    -------
    list of ShotPlayblast
        In the order of ``shots``.

    Raises
    ------
    InputError
        For an unknown shot id (naming the plan and the valid ids), a bad size
        or an output path in the way.
    OperationError
        When a worker dies, the scheduler cannot be reached or encoding fails.
    """
    if scheduler is not None:
        from previz.render.farm import check_address

        scheduler = check_address(scheduler)
    if workers is not None and workers < 0:
        raise InputError(f"workers: expected a whole number >= 0, got {workers}")
    shot_plan, plan_path = _load_plan(plan)
    chosen = _selected(shot_plan, shots)
    width, height = (int(v) for v in (size or shot_plan.sequence.resolution))
    if width <= 0 or height <= 0:
        raise InputError(f"frame size must be positive, got {width}x{height}")
    out = Path(folder).resolve()
    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: not a folder")
    jobs = []
    for shot_id in chosen:
        safe = safe_file_name(shot_id)
        job = _ShotJob(shot_id, shot_frames(shot_plan, shot_id, max_frames),
                       out / f".{safe}.partial", out / safe, out / f"{safe}.mp4" if movie else None)
        job.chunks = plan_chunks(plan_path, shot_id, job.frames, (width, height),
                                 str(job.partial), chunk_frames)
        jobs.append(job)
    chunks = [(job, chunk) for job in jobs for chunk in job.chunks]
    advance = progress or (lambda _n: None)
    finished: dict[str, ShotPlayblast] = {}

    def on_done(index: int, written: int) -> None:
        job, chunk = chunks[index]
        if written != len(chunk.frames):
            raise OperationError(f"shot {job.shot_id}: a chunk wrote {written} of "
                                 f"{len(chunk.frames)} frames ({chunk.frames[0]}-...)")
        advance(written)
        job.remaining -= written
        if job.remaining == 0:
            finished[job.shot_id] = job.finish(shot_plan)

    out.mkdir(parents=True, exist_ok=True)
    try:
        for job in jobs:
            job.prepare()
        run_chunks(render_chunk, [chunk.arguments() for _, chunk in chunks], on_done,
                   workers=workers, scheduler=scheduler)
    except BaseException:
        for job in jobs:
            if not job.done:
                job.discard()
        raise
    return [finished[shot_id] for shot_id in chosen]

