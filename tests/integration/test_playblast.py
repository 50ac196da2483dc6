"""Playblasts: every frame of a shot as PNGs and an H.264 movie, in-process, in worker
processes and on a Dask cluster, with nothing half-written left by a failure."""

from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

import previz.render.playblast as playblast_module
from previz.cli import main
from previz.io.datafiles import load_rig_library
from previz.io.plan_assets import plan_set, plan_takes, shot_views
from previz.io.shotplan_toml import read_plan
from previz.render.frame import FrameRenderer
from previz.render.playblast import encode_movie, playblast, shot_burnins
from previz.render.stills import plan_guides

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "shots" / "demo.toml"
SIZE = (160, 90)
LUMA = np.array([0.2126, 0.7152, 0.0722])  # BT.709


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def pixels(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB")).astype(float)


def pngs(folder: Path) -> dict[str, np.ndarray]:
    """Every PNG under ``folder`` by its path relative to it."""
    return {str(p.relative_to(folder)): pixels(p) for p in sorted(folder.rglob("*.png"))}


def movie_facts(path: Path) -> tuple[dict, list[np.ndarray]]:
    reader = imageio_ffmpeg.read_frames(str(path))
    meta = reader.__next__()
    width, height = meta["size"]
    frames = [np.frombuffer(data, np.uint8).reshape(height, width, 3).astype(float)
              for data in reader]
    return meta, frames


def assert_same_pngs(a: Path, b: Path) -> None:
    first, second = pngs(a), pngs(b)
    assert sorted(first) == sorted(second)
    for name in first:
        assert np.abs(first[name] - second[name]).mean() < 0.5, name


# ------------------------------------------------------------------ frames
def test_in_process_frames_are_the_shot_rendered_directly(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "blast"
    done: list[int] = []
    loaded: list[str] = []
    real_plan_set = playblast_module.plan_set
    monkeypatch.setattr(playblast_module, "plan_set",
                        lambda plan: loaded.append(plan.source.name) or real_plan_set(plan))
    results = playblast(DEMO, out, shots=["020", "010"], size=SIZE, workers=0, movie=False,
                        max_frames=3, chunk_frames=2, progress=done.append)
    assert [r.shot_id for r in results] == ["020", "010"]  # the order asked for
    assert [(r.first_frame, r.last_frame, r.frame_count) for r in results] == [
        (1073, 1075, 3), (1001, 1003, 3)]
    assert [r.movie for r in results] == [None, None]
    assert sum(done) == 6
    assert done == [2, 1, 2, 1]  # one call per chunk of at most 2 frames
    assert loaded == ["demo.toml"]  # the set was loaded once for the four chunks
    assert sorted(os.listdir(out)) == ["010", "020"]  # no partial folders, no movies
    assert sorted(os.listdir(out / "020")) == ["020.1073.png", "020.1074.png", "020.1075.png"]
    assert sorted(os.listdir(out / "010")) == ["010.1001.png", "010.1002.png", "010.1003.png"]

    # frame 1074 of 020 equals a FrameRenderer render of that frame made here
    plan = read_plan(DEMO)
    library = load_rig_library()
    (still,) = shot_views(plan, "020", library, frames=[1074], size=SIZE)
    burnins = dict(shot_burnins(plan, still).texts)
    assert burnins["top_left"] == "020  Dolly in as the walker passes"
    assert burnins["bottom_right"] == "frame 1074  00:00:44:18"  # 1074 frames at 24 fps
    assert "cooke-s4i 32mm" in burnins["bottom_left"]
    with FrameRenderer(plan_set(plan), SIZE, plan_takes(plan), guides=plan_guides(plan)) as r:
        direct = r.render(still.view, stage_time=still.stage_time,
                          burnins=shot_burnins(plan, still)).astype(float)
    blasted = pixels(out / "020" / "020.1074.png")
    assert blasted.shape == (90, 160, 3)
    assert np.abs(blasted - direct).mean() < 0.5
    # the dolly moves: the first and last frames differ
    assert np.abs(pixels(out / "020" / "020.1073.png") - pixels(out / "020" / "020.1075.png")
                  ).mean() > 1.0


def test_worker_processes_match_in_process_and_write_movies(tmp_path: Path) -> None:
    pooled, local = tmp_path / "pooled", tmp_path / "local"
    results = playblast(DEMO, pooled, shots=["010", "020"], size=SIZE, workers=2,
                        max_frames=4, chunk_frames=2)
    playblast(DEMO, local, shots=["010", "020"], size=SIZE, workers=0, max_frames=4,
              movie=False)
    assert_same_pngs(pooled, local)
    assert sorted(os.listdir(pooled)) == ["010", "010.mp4", "020", "020.mp4"]
    assert [r.movie for r in results] == [pooled / "010.mp4", pooled / "020.mp4"]
    for shot, first in (("010", 1001), ("020", 1073)):
        meta, frames = movie_facts(pooled / f"{shot}.mp4")
        assert meta["size"] == SIZE
        assert meta["fps"] == 24.0  # the plan's rate
        assert meta["codec"] == "h264"
        assert meta["pix_fmt"].startswith("yuv420p")
        assert len(frames) == 4
        # the movie shows the frames: luma within H.264 loss of the PNGs (4:2:0 blurs the
        # colour of single pixels at this tiny size) and no colour shift overall
        for index in range(4):
            png = pixels(pooled / shot / f"{shot}.{first + index}.png")
            assert np.abs(frames[index] @ LUMA - png @ LUMA).mean() < 4.0
            assert np.abs(frames[index].mean(axis=(0, 1)) - png.mean(axis=(0, 1))).max() < 2.5


def test_dask_cluster_renders_the_same_frames(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    farm, local = tmp_path / "farm", tmp_path / "local"
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as cluster:
        results = playblast(DEMO, farm, shots=["030"], size=SIZE,
                            scheduler=cluster.scheduler_address, max_frames=3, chunk_frames=2,
                            movie=False)
    playblast(DEMO, local, shots=["030"], size=SIZE, workers=0, max_frames=3, movie=False)
    assert results[0].frame_count == 3
    assert sorted(os.listdir(farm / "030")) == ["030.1145.png", "030.1146.png", "030.1147.png"]
    assert_same_pngs(farm, local)


# ------------------------------------------------------------------ movies
def test_movie_keeps_an_exact_ntsc_rate_and_pads_odd_sizes(tmp_path: Path) -> None:
    # 2400 frames at 24000/1001 last 100.1 s; at 23.98 they would last 100.08 s
    target = tmp_path / "grey.mp4"
    frames = (np.full((17, 33, 3), 40 + i % 100, np.uint8) for i in range(2400))
    assert encode_movie(frames, target, Fraction(24000, 1001)) == target
    count, seconds = imageio_ffmpeg.count_frames_and_secs(str(target))
    assert count == 2400
    assert seconds == pytest.approx(100.1, abs=0.004)
    meta, decoded = movie_facts(target)
    assert meta["size"] == (34, 18)  # padded to even for 4:2:0
    assert meta["fps"] == pytest.approx(24000 / 1001, abs=0.006)
    assert decoded[0].mean() == pytest.approx(40, abs=1.5)
    assert os.listdir(tmp_path) == ["grey.mp4"]


def test_movie_colours_survive_the_round_trip(tmp_path: Path) -> None:
    image = np.zeros((32, 48, 3), np.uint8)
    image[:, :16] = (200, 60, 30)
    image[:, 16:32] = (30, 160, 90)
    image[:, 32:] = (20, 40, 220)
    encode_movie([image] * 3, tmp_path / "bars.mp4", 25)
    meta, frames = movie_facts(tmp_path / "bars.mp4")
    assert meta["fps"] == 25.0
    for column, colour in ((8, (200, 60, 30)), (24, (30, 160, 90)), (40, (20, 40, 220))):
        assert np.abs(frames[1][16, column] - colour).max() <= 6


# ------------------------------------------------------------------ failures
def test_an_interrupted_shot_leaves_no_final_outputs(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "blast"
    playblast(DEMO, out, shots=["020"], size=SIZE, workers=0, max_frames=1)  # a previous run
    real = playblast_module.render_chunk

    def interrupted(plan: str, shot_id: str, frames: list[int], size: tuple[int, int],
                    folder: str) -> int:
        if shot_id == "020" and frames[0] > 1073:  # Ctrl-C during 020's second chunk
            raise KeyboardInterrupt
        return real(plan, shot_id, frames, size, folder)

    monkeypatch.setattr(playblast_module, "render_chunk", interrupted)
    with pytest.raises(KeyboardInterrupt):
        playblast(DEMO, out, shots=["010", "020"], size=SIZE, workers=0, max_frames=4,
                  chunk_frames=2)
    # 010 finished before the interrupt and is complete; 020 keeps the previous run's outputs
    assert sorted(os.listdir(out)) == ["010", "010.mp4", "020", "020.mp4"]
    assert len(os.listdir(out / "010")) == 4
    assert os.listdir(out / "020") == ["020.1073.png"]
    assert len(movie_facts(out / "020.mp4")[1]) == 1

    # the command line: 020's second chunk (default 8 frames) is interrupted
    code, _, err = run("playblast", str(DEMO), "-o", str(tmp_path / "cli"), "--shots", "020",
                       "--size", "160x90", "--max-frames", "9", "--workers", "0")
    assert code == 130
    assert err.strip().splitlines()[-1] == "previz: error: interrupted"
    assert os.listdir(tmp_path / "cli") == []


def test_a_failing_chunk_is_reported_and_cleaned_up(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from previz.errors import DataFileError

    def broken(*_args: object) -> int:
        raise DataFileError("plan.toml: shots[1]: broken on purpose")

    monkeypatch.setattr(playblast_module, "render_chunk", broken)
    code, _, err = run("playblast", str(DEMO), "-o", str(tmp_path / "out"), "--shots", "010",
                       "--workers", "0", "--max-frames", "2")
    assert code == 2
    assert "broken on purpose" in err
    assert os.listdir(tmp_path / "out") == []


# ------------------------------------------------------------------ command line
def test_cli_playblast_says_where_everything_is(tmp_path: Path) -> None:
    out = tmp_path / "blast"
    code, text, err = run("playblast", str(DEMO), "-o", str(out), "--shots", "030",
                          "--size", "160x90", "--max-frames", "2", "--workers", "0")
    assert code == 0, err
    assert f"frames {out / '030'}{os.sep}" in text
    assert f"movie {out / '030.mp4'}" in text
    assert "frames 1145-1146 (2)" in text
    assert sorted(os.listdir(out)) == ["030", "030.mp4"]
    assert sorted(os.listdir(out / "030")) == ["030.1145.png", "030.1146.png"]

    code, text, err = run("playblast", str(DEMO), "-o", str(out), "--shots", "030",
                          "--size", "160x90", "--max-frames", "3", "--workers", "0",
                          "--no-movie")
    assert code == 0, err
    assert "movie" not in text
    assert len(os.listdir(out / "030")) == 3  # the folder was replaced as a whole


def test_cli_unknown_shot_names_the_plan_and_the_valid_ids(tmp_path: Path) -> None:
    code, _, err = run("playblast", str(DEMO), "-o", str(tmp_path / "out"),
                       "--shots", "010,099")
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert "demo.toml" in err
    assert "'099'" in err
    assert "valid: 010, 020, 030" in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("extra", "message"), [
    (["--scheduler", "localhost:8786"], "expected tcp://HOST:PORT"),
    (["--scheduler", "tcp://127.0.0.1:8786", "--workers", "2"], "cannot be used together"),
    (["--size", "10x10"], "--size"),
])
def test_cli_bad_options(tmp_path: Path, extra: list[str], message: str) -> None:
    code, _, err = run("playblast", str(DEMO), "-o", str(tmp_path / "out"), *extra)
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()
