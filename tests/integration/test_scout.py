"""``previz scout``: the scouting session, its shot-plan marks and the real Qt window.

The session tests need no display. The window tests run the real application
under a private Xvfb server (skipped when Xvfb is not installed); they drive
the session's methods, plus a few real clicks and key presses through QTest.
"""

from __future__ import annotations

import math
import time
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner
from qt_display import wait, wait_for

from previz.app.session import ScoutSession, kit_primes, snap_focal
from previz.core.set_model import Material, MeshPart, SetModel
from previz.core.synthetic import walking_take
from previz.errors import InputError
from previz.io.datafiles import load_rig_library
from previz.io.shotplan_toml import read_plan

pv = pytest.importorskip("pyvista")

BODY = "arri-alexa-35:4.6k-16x9"
KIT = "cooke-s4i"

#: Largest mean absolute difference (0-255 per channel) allowed between the
#: viewport's frame and FrameRenderer's picture of the same view. Measured on
#: Mesa llvmpipe (VTK 9.7, Xvfb), for both viewports: 0.0 mean, 0 max
#: (pixel-identical: both draw the same StageScene with the same settings); the
#: margin allows another rasteriser to round a few edges differently.
VIEWPORT_TOLERANCE = 1.0


# ------------------------------------------------------------------ fixtures
def box(name: str, bounds: tuple[float, ...], color: tuple[float, float, float]) -> MeshPart:
    mesh = pv.Box(bounds=bounds).triangulate()
    return MeshPart(name, np.asarray(mesh.points), mesh.regular_faces, Material(base_color=color))


def test_set() -> SetModel:
    """A floor and a few coloured blocks: enough structure to compare pictures."""
    floor = pv.Plane(i_size=30, j_size=30, i_resolution=6, j_resolution=6).triangulate()
    return SetModel("blocks", [
        MeshPart("floor", np.asarray(floor.points), floor.regular_faces,
                 Material(base_color=(0.45, 0.47, 0.42))),
        box("red", (-3, -1, 4, 6, 0, 2.5), (0.8, 0.2, 0.15)),
        box("green", (1, 2, 7, 8, 0, 4), (0.2, 0.7, 0.3)),
        box("blue", (3, 5, 2, 3, 0, 1), (0.2, 0.3, 0.85)),
        box("pillar", (-0.3, 0.3, 10, 10.6, 0, 6), (0.9, 0.85, 0.3)),
    ])


test_set.__test__ = False  # type: ignore[attr-defined]  # a fixture builder, not a test


@pytest.fixture(scope="module")
def library() -> Any:
    return load_rig_library()


def new_session(library: Any, **options: Any) -> ScoutSession:
    options.setdefault("body", BODY)
    options.setdefault("lens_kit", KIT)
    return ScoutSession(test_set(), set_spec="builtin:demo", library=library, **options)


@pytest.fixture(scope="session")
def qt_app(xvfb: str) -> Any:
    from PySide6.QtWidgets import QApplication

    existing = QApplication.instance()
    if existing is not None and existing.platformName() != "xcb":
        pytest.skip(f"a QApplication on platform {existing.platformName()!r} already runs")
    from previz.app.scout import application

    return application()


@pytest.fixture(params=["raster", "qt"])
def viewport_kind(request: pytest.FixtureRequest) -> str:
    """Both viewports: off-screen image (raster) and pyvistaqt (qt)."""
    return str(request.param)


@pytest.fixture
def open_window(qt_app: Any, library: Any) -> Iterator[Callable[..., Any]]:
    """Open a scout window over a new session; everything is closed afterwards."""
    from previz.app.scout import ScoutWindow

    windows = []
    errors: list[str] = []

    def opener(viewport_size: tuple[int, int] = (640, 360), kind: str = "raster",
               **options: Any) -> Any:
        window = ScoutWindow(new_session(library, **options), viewport=kind)
        window.report_error = errors.append
        window.errors = errors
        window.viewport.setFixedSize(*viewport_size)
        window.show()
        windows.append(window)
        assert wait_for(lambda: window.viewport.frames_drawn > 0), "the viewport never drew"
        return window

    yield opener
    for window in windows:
        window.session.dirty = False
        window.close()
    wait(0.05)
    assert not errors, errors


# ------------------------------------------------------------------ session (no display)
def test_marks_go_into_a_new_plan_with_pose_lens_and_note(tmp_path: Path, library: Any) -> None:
    session = new_session(library, resolution=(1920, 804), delivery_aspect="2.39")
    session.set_pose((1.25, -6.5, 1.4), pan=12.5, tilt=-3.0, roll=1.5)
    session.set_focal(50)
    session.set_focus(4.5)
    session.set_f_stop(4)
    hero = session.add_mark("hero", "over the shoulder")
    session.set_pose((0.0, -9.0, 2.2), pan=-20.0)
    session.set_focal(27)
    session.set_focus(0)  # infinity
    session.add_mark()
    assert session.mark_names() == ["hero", "mark-1"]
    assert session.dirty
    plan_file = tmp_path / "plan.toml"
    written = session.save_plan(plan_file)
    assert written == plan_file
    assert not session.dirty

    raw = tomllib.loads(plan_file.read_text())
    marks = {m["name"]: m for m in raw["marks"]}
    assert marks["hero"]["position"] == [1.25, -6.5, 1.4]
    assert (marks["hero"]["pan"], marks["hero"]["tilt"], marks["hero"]["roll"]) == (12.5, -3.0, 1.5)
    assert marks["hero"]["focal"] == 50.0
    assert marks["hero"]["focus"] == 4.5
    assert marks["hero"]["f_stop"] == 4.0
    assert marks["hero"]["note"] == "over the shoulder"
    assert "body" not in marks["hero"]  # the plan's camera body
    assert marks["mark-1"]["focal"] == 27.0
    assert "focus" not in marks["mark-1"]  # infinity is the default
    assert raw["camera"] == {"body": BODY, "lens_kit": KIT}
    assert raw["sequence"]["resolution"] == [1920, 804]
    assert raw["sequence"]["aspect"] == 2.39
    assert raw["set"]["path"] == "builtin:demo"

    plan = read_plan(plan_file)
    assert plan.mark("hero") == hero
    # the plan frames the mark exactly as the scout did (what previz frames renders)
    from previz.io.plan_assets import mark_view

    session.go_to_mark("hero")
    rendered, scouted = mark_view(plan, hero, library), session.view()
    np.testing.assert_allclose(rendered.rotation, scouted.rotation, atol=1e-9)
    np.testing.assert_allclose(rendered.position, scouted.position, atol=1e-9)
    assert rendered.vertical_fov_deg() == pytest.approx(scouted.vertical_fov_deg(), rel=1e-9)
    assert (rendered.width, rendered.height) == (1920, 804)
    again = ScoutSession.open(plan=plan_file)
    assert again.mark_names() == ["hero", "mark-1"]
    assert again.nav.pose.position == (1.25, -6.5, 1.4)  # starts at the first mark
    assert again.focal_mm == 50 and again.current_mark == "hero"  # noqa: PT018
    assert again.body_spec == BODY and again.kit is not None and again.kit.name == KIT  # noqa: PT018
    assert not again.dirty
    again.close()


def test_rename_delete_and_add_keep_the_users_comments(tmp_path: Path, library: Any) -> None:
    plan_file = tmp_path / "shots.toml"
    plan_file.write_text(
        '# my plan\nschema = "previz.shotplan/1"\n\n'
        '[sequence]\nrate = 24  # film\nresolution = [1920, 1080]\n\n'
        '[set]\npath = "builtin:demo"\n\n[camera]\nbody = "arri-alexa-35:4.6k-16x9"\n'
        'lens_kit = "cooke-s4i"\n\n'
        '# the opening\n[[marks]]\nname = "wide"\nposition = [0.0, -7.0, 1.7]\nfocal = 25.0\n'
        'note = "whole corner"  # keep this\n\n'
        '[[marks]]\nname = "spare"\nposition = [1.0, 1.0, 1.0]\nfocal = 50.0\n\n'
        '[[shots]]\nid = "010"\nmarks = ["wide"]\nframes = 48\n')
    session = ScoutSession.open(plan=plan_file)
    assert session.mark_names() == ["wide", "spare"]
    session.rename_mark("wide", "establishing")
    session.set_mark_note("establishing", "whole corner, dusk")
    session.delete_mark("spare")
    session.set_focal(75)
    session.add_mark("close")
    session.save_plan()
    session.close()
    text = plan_file.read_text()
    assert text.startswith("# my plan\n")
    assert "rate = 24  # film" in text
    assert '# the opening\n[[marks]]\nname = "establishing"' in text
    assert 'note = "whole corner, dusk"  # keep this' in text
    assert "spare" not in text
    plan = read_plan(plan_file)
    assert [m.name for m in plan.marks] == ["establishing", "close"]
    assert plan.shots[0].marks == ("establishing",)  # the shot follows the rename
    assert plan.mark("close").focal == 75.0


def test_focal_lengths_follow_the_lens_kit(library: Any) -> None:
    session = new_session(library)
    kit = library.lens_kit(KIT)
    assert kit_primes(kit)[:3] == (12.0, 14.0, 16.0)
    assert session.focal_mm == 35.0
    with pytest.raises(InputError, match="33 mm is not in lens kit 'cooke-s4i'"):
        session.set_focal(33)
    assert snap_focal(kit, 33) == 32.0
    assert snap_focal(kit, 1000) == 135.0
    assert session.step_focal(1) == 40.0
    assert session.step_focal(-2) == 32.0
    session.set_f_stop(1.4)
    session.set_focal(50)
    assert session.f_stop == 2.0  # the lens opens to T2 at most
    zoom = library.lens_kit("angenieux-optimo")
    assert snap_focal(zoom, 100.0) == 100.0
    session.set_lens_kit("angenieux-optimo")
    session.set_focal(123.4)
    assert session.lens_label() == "Angenieux Optimo zooms 24-290mm"  # the lens's name
    session.set_lens_kit(None)
    session.set_focal(33)
    assert session.focal_mm == 33


def test_plan_save_needs_a_path_and_never_overwrites_another_plan(tmp_path: Path,
                                                                  library: Any) -> None:
    session = new_session(library)
    session.add_mark("a")
    with pytest.raises(InputError, match="no plan file yet"):
        session.save_plan()
    other = tmp_path / "other.toml"
    other.write_text("anything")
    with pytest.raises(InputError, match="already exists"):
        session.save_plan(other)
    with pytest.raises(InputError, match="already a mark called 'a'"):
        session.add_mark("a")
    with pytest.raises(InputError, match="no mark 'b'; valid: a"):
        session.go_to_mark("b")


def test_snapshot_is_the_frame_renderer_picture(tmp_path: Path, library: Any) -> None:
    from PIL import Image

    from previz.render.frame import FrameRenderer

    session = new_session(library, resolution=(480, 270), stills_dir=tmp_path / "stills")
    session.set_pose((0.5, -4.0, 1.6), pan=5.0, tilt=2.0)
    session.set_focal(27)
    session.add_mark("hero")
    path = session.snapshot()
    assert path == tmp_path / "stills" / "hero_27mm_001.png"
    still = np.asarray(Image.open(path).convert("RGB"))
    assert still.shape == (270, 480, 3)
    view = session.view()
    with FrameRenderer(session.set_model, (480, 270), guides=session.guides()) as renderer:
        expected = renderer.render(view, burnins=session.burnins(view))
    assert np.abs(still.astype(int) - expected.astype(int)).mean() == 0.0
    with pytest.raises(InputError, match="not the frame's aspect"):
        session.snapshot(tmp_path / "bad.png", size=(100, 100))
    session.close()


# ------------------------------------------------------------------ the window (Xvfb)
def test_clicks_add_a_mark_change_lens_and_save(open_window: Any, tmp_path: Path,
                                                viewport_kind: str) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    window = open_window(kind=viewport_kind)
    session = window.session
    session.set_pose((2.0, -5.0, 1.5), pan=15.0, tilt=-2.0)
    QTest.mouseClick(window.lens_panel.prime_buttons[50.0], Qt.MouseButton.LeftButton)
    assert session.focal_mm == 50.0
    assert window.lens_panel.focal_label.text() == "50 mm"
    QTest.mouseClick(window.marks_panel.add, Qt.MouseButton.LeftButton)
    assert session.mark_names() == ["mark-1"]
    assert window.marks_panel.selected() == "mark-1"
    name = window.marks_panel.name
    name.selectAll()
    QTest.keyClicks(name, "hero")
    QTest.keyClick(name, Qt.Key.Key_Return)
    assert session.mark_names() == ["hero"]
    assert window.windowTitle().endswith("*")

    plan_file = tmp_path / "scout.toml"
    window.ask_plan_path = lambda: str(plan_file)
    QTest.mouseClick(window.marks_panel.save, Qt.MouseButton.LeftButton)
    mark = read_plan(plan_file).mark("hero")
    assert mark.position == (2.0, -5.0, 1.5)
    assert (mark.pan, mark.tilt, mark.roll) == (15.0, -2.0, 0.0)
    assert mark.focal == 50.0
    assert not window.windowTitle().endswith("*")
    assert "scout.toml" in window.marks_panel.plan_label.text()


def test_viewport_shows_what_frame_renderer_writes(open_window: Any, viewport_kind: str) -> None:
    from previz.app.camera_controls import BAR_COLOR
    from previz.render.frame import FrameRenderer

    # a 2.39 frame in a 16:9 widget: letterboxed to 640 x 268
    window = open_window((640, 360), viewport_kind, resolution=(1920, 804),
                         delivery_aspect="1.85")
    session = window.session
    session.set_pose((0.3, -6.0, 1.7), pan=8.0, tilt=3.0, roll=2.0)
    session.set_focal(32)
    session.set_focus(6.0)
    viewport = window.viewport
    assert viewport.frame_rect == (0, 46, 640, 268)
    assert viewport.grab_frame().shape == (268, 640, 3)
    assert wait_for(lambda: not viewport.pending)  # shown on screen
    whole = viewport.grab_window()  # what the widget shows: frame and bars
    assert whole.shape == (360, 640, 3)
    frame = whole[46:46 + 268]
    bars = np.concatenate([whole[:46], whole[46 + 268:]])
    np.testing.assert_allclose(bars.reshape(-1, 3).mean(axis=0), np.array(BAR_COLOR) * 255,
                               atol=1.0)

    view = session.view((640, 268))
    with FrameRenderer(session.set_model, (640, 268), guides=session.guides()) as renderer:
        expected = renderer.render(view, burnins=session.burnins(view))
    difference = np.abs(frame.astype(int) - expected.astype(int)).mean()
    assert difference <= VIEWPORT_TOLERANCE, difference
    # and it is a real picture: the red block is where the pinhole model says
    pixels, depth = view.project([[-2.0, 5.0, 1.25]])
    x, y = pixels[0].astype(int)
    assert depth[0] > 0
    red, green, blue = frame[y, x].astype(int)
    assert red > green + 40 and red > blue + 40  # noqa: PT018


def test_keys_and_drags_move_the_camera(open_window: Any, viewport_kind: str) -> None:
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    window = open_window(kind=viewport_kind)
    session = window.session
    viewport = window.viewport
    session.set_pose((0.0, 0.0, 1.6), pan=0.0, tilt=0.0)
    viewport.setFocus()
    start = time.perf_counter()
    QTest.keyPress(viewport, Qt.Key.Key_W)
    wait(0.4)
    QTest.keyRelease(viewport, Qt.Key.Key_W)
    held = time.perf_counter() - start
    x, y, z = session.nav.pose.position
    assert (x, z) == pytest.approx((0.0, 1.6))
    assert 0.2 < y <= 1.5 * held + 1e-6  # forward (+Y) at 1.5 m/s
    wait(0.1)
    assert session.nav.pose.position[1] == y  # stopped on release

    QTest.keyClick(viewport, Qt.Key.Key_F)  # walk mode
    assert session.nav.mode == "walk"
    QTest.keyClick(viewport, Qt.Key.Key_F)
    assert session.nav.mode == "fly"

    centre = QPoint(320, 180)
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)
    QTest.mouseMove(viewport, centre + QPoint(60, -30))
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       centre + QPoint(60, -30))
    pose = session.nav.pose
    rate = session.vertical_fov_deg() / viewport.frame_rect[3]
    assert pose.pan == pytest.approx(-60 * rate)  # dragged right: turned right
    assert pose.tilt == pytest.approx(30 * rate)  # dragged up: tilted up
    assert viewport.scene.view is not None
    assert wait_for(lambda: not viewport.pending)  # the next frame shows it
    np.testing.assert_allclose(viewport.scene.view.pan_tilt_roll(), pose.pan_tilt_roll,
                               atol=1e-6)


def test_timeline_scrubs_the_performer(open_window: Any) -> None:
    take = walking_take(seconds=2, rate=30)
    window = open_window(takes=[take])
    session = window.session
    session.set_pose((0.0, -4.0, 1.2), pan=0.0)
    session.set_focal(25)
    assert window.timeline is not None
    standin = window.viewport.scene.standins[0]
    window.timeline.slider.setValue(0)
    first = window.viewport.grab_frame()
    pose_first = standin.points_at(0.0)
    window.timeline.slider.setValue(1500)
    assert session.time_s == pytest.approx(1.5)
    assert "frame 1037" in window.timeline.label.text()  # 1001 + 1.5 s * 24 fps
    later = window.viewport.grab_frame()
    assert np.abs(standin.points_at(1.5) - pose_first).max() > 0.05
    assert np.abs(later.astype(int) - first.astype(int)).max() > 50  # the performer moved

    window.timeline.set_playing(True)
    wait(0.3)
    window.timeline.set_playing(False)
    assert session.time_s != pytest.approx(1.5)


def test_closing_saves_changed_marks_or_asks(open_window: Any, tmp_path: Path) -> None:
    plan_file = tmp_path / "plan.toml"
    window = open_window(plan_path=plan_file)
    window.session.add_mark("a")
    window.close()
    assert not window.isVisible()
    assert [m.name for m in read_plan(plan_file).marks] == ["a"]

    unsaved = open_window()
    unsaved.session.add_mark("b")
    unsaved.ask_unsaved = lambda: "cancel"
    unsaved.close()
    assert unsaved.isVisible()  # still open: nothing lost
    unsaved.ask_unsaved = lambda: "save"
    unsaved.ask_plan_path = lambda: str(tmp_path / "new.toml")
    unsaved.close()
    assert not unsaved.isVisible()
    assert [m.name for m in read_plan(tmp_path / "new.toml").marks] == ["b"]


def test_snapshot_button_writes_a_still(open_window: Any, tmp_path: Path) -> None:
    from PIL import Image

    window = open_window(resolution=(320, 180), stills_dir=tmp_path)
    window.actions_by_name["Snapshot"].trigger()
    stills = sorted(tmp_path.glob("*.png"))
    assert [p.name for p in stills] == ["blocks_35mm_001.png"]
    assert Image.open(stills[0]).size == (320, 180)
    assert "wrote" in window.statusBar().currentMessage()


# ------------------------------------------------------------------ command line
def test_cli_refuses_bad_input_before_opening_a_window() -> None:
    from previz.cli import main

    runner = CliRunner()
    result = runner.invoke(main, ["scout", "--help"])
    assert result.exit_code == 0
    assert "--lens-kit" in result.output
    result = runner.invoke(main, ["scout", "builtin:demo", "--size", "0x0"])
    assert result.exit_code == 2
    assert "--size" in result.output
    result = runner.invoke(main, ["scout", "builtin:demo", "--rig", "no-such-camera"])
    assert result.exit_code == 2
    assert "unknown camera body 'no-such-camera'" in result.output


def test_degrees_per_drag_pixel_follow_the_lens(library: Any) -> None:
    session = new_session(library)
    session.set_focal(25)
    wide = session.vertical_fov_deg()
    session.set_pose((0.0, 0.0, 1.6))
    session.look(0.0, -100.0, 1000)
    assert session.nav.pose.tilt == pytest.approx(wide / 10)
    session.set_focal(100)
    assert session.vertical_fov_deg() < wide / 3
    assert math.isfinite(session.vertical_fov_deg())


def test_letterbox_keeps_the_frame_aspect_centred() -> None:
    from previz.app.camera_controls import letterbox

    assert letterbox(640, 360, 1920 / 804) == (0, 46, 640, 268)  # letterbox
    assert letterbox(1000, 360, 16 / 9) == (180, 0, 640, 360)  # pillarbox
    assert letterbox(1280, 720, 16 / 9) == (0, 0, 1280, 720)  # exact fit
    assert letterbox(0, 0, 2.39) == (0, 0, 1, 1)  # never empty


def test_plan_performers_are_placed_on_stage_and_timeline(tmp_path: Path) -> None:
    plan_file = tmp_path / "walk.toml"
    plan_file.write_text(
        'schema = "previz.shotplan/1"\n\n[sequence]\nrate = 24\nresolution = [1280, 720]\n'
        'aspect = 1.85\n\n[set]\npath = "builtin:demo"\n\n'
        '[[performers]]\nname = "walker"\ntake = "builtin:performer"\n'
        'position = [2.0, 3.0, 0.0]\nheading = 90.0\ntime_offset = 12\n')
    session = ScoutSession.open(set_spec="builtin:demo", plan=plan_file)
    (take,) = session.takes
    assert take.placement.position == (2.0, 3.0, 0.0)
    assert take.placement.heading == 90.0
    assert float(take.placement.time_offset) == pytest.approx(0.5)  # 12 frames at 24 fps
    assert session.duration == pytest.approx(0.5 + float(take.duration))
    assert session.resolution == (1280, 720)
    assert session.delivery_aspect == pytest.approx(1.85)
    session.set_time(1e6)
    assert session.time_s == pytest.approx(session.duration)
    session.close()
