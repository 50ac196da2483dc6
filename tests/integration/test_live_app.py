"""``previz live``: the live camera window over a real LiveSession and real UDP.

The Qt-free parts (the view through a sample, burn-ins, telemetry arrays) need
no display. The window tests run the real application under a private Xvfb
server (skipped when Xvfb is not installed), start a LiveSession on
127.0.0.1 port 0 with the ``previz`` profile, send a bounded number of OSC
messages with python-osc's SimpleUDPClient and click the controls with QTest.

Set ``PREVIZ_LIVE_SCREENSHOT=/tmp/previz_live.png`` to keep a screenshot of the
whole window from the main test.
"""

from __future__ import annotations

import gc
import math
import os
import shutil
import time
from collections import deque
from collections.abc import Callable, Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner
from qt_display import wait, wait_for

from previz.app.live_view import LiveCamera, TakeState, format_elapsed, time_of_day_timecode
from previz.core.camera_path import orientations_from_pan_tilt_roll
from previz.core.projection import ViewCamera
from previz.core.set_model import Material, MeshPart, SetModel
from previz.errors import InputError
from previz.io.datafiles import load_rig_library
from previz.io.device_toml import find_device
from previz.live.session import LiveSession
from previz.live.vcam import CameraSample

pv = pytest.importorskip("pyvista")

BODY = "arri-alexa-35:4.6k-16x9"
KIT = "cooke-s4i"
DEMO_PLAN = Path(__file__).resolve().parents[2] / "shots" / "demo.toml"
#: The pose and lens the fake device sends.
POSITION = (1.5, -4.0, 1.7)
PAN_TILT_ROLL = (30.0, -5.0, 2.0)
FOCAL_MM = 50.0
#: OSC sends 32-bit floats: the pose comes back to this precision.
FLOAT32 = 1e-6


# ------------------------------------------------------------------ fixtures
def blocks_set() -> SetModel:
    """A floor and two coloured blocks."""
    floor = pv.Plane(i_size=30, j_size=30, i_resolution=4, j_resolution=4).triangulate()
    red = pv.Box(bounds=(-1, 1, 4, 6, 0, 2.5)).triangulate()
    blue = pv.Box(bounds=(3, 5, 2, 3, 0, 1)).triangulate()
    return SetModel("blocks", [
        MeshPart("floor", np.asarray(floor.points), floor.regular_faces,
                 Material(base_color=(0.45, 0.47, 0.42))),
        MeshPart("red", np.asarray(red.points), red.regular_faces,
                 Material(base_color=(0.8, 0.2, 0.15))),
        MeshPart("blue", np.asarray(blue.points), blue.regular_faces,
                 Material(base_color=(0.2, 0.3, 0.85))),
    ])


def sample(position: tuple[float, float, float] = POSITION,
           pan_tilt_roll: tuple[float, float, float] = PAN_TILT_ROLL,
           focal_mm: float = FOCAL_MM, focus_m: float = 4.0, received: float = 100.0
           ) -> CameraSample:
    quat = tuple(float(v) for v in orientations_from_pan_tilt_roll(pan_tilt_roll))
    return CameraSample(received, math.nan, 1, position, quat, position, quat,  # type: ignore[arg-type]
                        focal_mm, focus_m, 2.8)


@pytest.fixture(scope="session")
def live_qt_app(xvfb: str) -> Any:
    """A QApplication on the session's private Xvfb display."""
    from PySide6.QtWidgets import QApplication

    existing = QApplication.instance()
    if existing is not None and existing.platformName() != "xcb":
        pytest.skip(f"a QApplication on platform {existing.platformName()!r} already runs")
    from previz.app.live import live_application

    return live_application()


class Device:
    """A fake tracked device: SimpleUDPClient sending the ``previz`` OSC namespace."""

    def __init__(self, address: tuple[str, int]) -> None:
        from pythonosc.udp_client import SimpleUDPClient

        self.client = SimpleUDPClient(*address)
        self.sent = 0

    def send_pose(self, position: tuple[float, float, float],
                  pan_tilt_roll: tuple[float, float, float], focal_mm: float) -> None:
        quat = orientations_from_pan_tilt_roll(pan_tilt_roll)
        self.client.send_message("/previz/camera/orientation", [float(v) for v in quat])
        self.client.send_message("/previz/camera/position", [float(v) for v in position])
        self.client.send_message("/previz/lens/focal", float(focal_mm))
        self.sent += 3

    def stream(self, rounds: int, period_s: float = 0.015, **pose: Any) -> None:
        """Send ``rounds`` poses, running the Qt loop between them (the UI keeps ticking)."""
        pose.setdefault("position", POSITION)
        pose.setdefault("pan_tilt_roll", PAN_TILT_ROLL)
        pose.setdefault("focal_mm", FOCAL_MM)
        for _ in range(rounds):
            self.send_pose(**pose)
            wait(period_s)


@pytest.fixture
def live_window(live_qt_app: Any, tmp_path: Path) -> Iterator[Callable[..., Any]]:
    """Open a live window over a started session on 127.0.0.1:0; everything is stopped after."""
    from previz.app.live import LiveWindow

    opened: list[tuple[Any, LiveSession]] = []

    def opener(kind: str = "raster", size: tuple[int, int] = (1500, 880),
               performers: tuple[Any, ...] = (), origin: float = 0.0) -> Any:
        library = load_rig_library()
        camera = LiveCamera.from_rig(library, BODY, KIT, resolution=(1280, 720))
        session = LiveSession(find_device("previz"), host="127.0.0.1", port=0,
                              camera=camera.info, take_folder=tmp_path / "takes", slate="A012")
        session.start()
        window = LiveWindow(session, blocks_set(), camera, viewport=kind, takes=performers,
                            performance_origin=origin)
        opened.append((window, session))
        window.resize(*size)
        window.show()
        assert wait_for(lambda: window.viewport.frames_drawn > 0), "the viewport never drew"
        return window

    yield opener
    for window, session in opened:
        window.close()
        session.stop()
    wait(0.05)


# ------------------------------------------------------------------ no display
def test_view_follows_the_sample_on_the_bodys_film_back() -> None:
    library = load_rig_library()
    camera = LiveCamera.from_rig(library, BODY, KIT, resolution=(1920, 1080))
    _body, mode = library.body_and_mode(BODY)
    assert camera.info.film_back == mode.film_back
    assert camera.info.body == BODY and camera.info.lens_kit == KIT  # noqa: PT018
    view = camera.view(sample())
    np.testing.assert_allclose(view.position, POSITION, atol=1e-12)
    np.testing.assert_allclose(view.pan_tilt_roll(), PAN_TILT_ROLL, atol=1e-9)
    assert view.optics.lens.focal_mm == FOCAL_MM
    assert view.optics.lens.focus_m == 4.0
    assert (view.width, view.height) == (1920, 1080)
    # the same view a full-frame camera would see with a longer lens: the film back counts
    wide = LiveCamera(resolution=(1920, 1080)).view(sample())
    assert view.horizontal_fov_deg() < wide.horizontal_fov_deg()
    expected = 2 * math.degrees(math.atan(mode.film_back.width_mm / 2 / FOCAL_MM))
    assert view.horizontal_fov_deg() == pytest.approx(expected, rel=1e-6)
    # bad lens values from a device fall back; no sample waits 5 m back
    odd = camera.view(sample(focal_mm=math.nan, focus_m=-1.0), fallback_focal_mm=35.0)
    assert odd.optics.lens.focal_mm == 35.0 and math.isinf(odd.optics.lens.focus_m)  # noqa: PT018
    np.testing.assert_allclose(camera.view(None).position, (0.0, -5.0, 1.6))
    with pytest.raises(ValueError, match="not a rotation"):
        camera.view(CameraSample(1.0, math.nan, 1, POSITION, (0, 0, 0, 0), POSITION,
                                 (0.0, 0.0, 0.0, 0.0), 35.0, 3.0, 2.8))
    with pytest.raises(InputError, match="no-such-kit"):
        LiveCamera.from_rig(library, BODY, "no-such-kit")


def test_camera_from_a_plan_takes_its_body_kit_frame_guides_and_rate(tmp_path: Path) -> None:
    from previz.core.camera_path import SensorFit
    from previz.io.shotplan_toml import read_plan

    library = load_rig_library()
    text = DEMO_PLAN.read_text().replace('fit = "fill"', 'fit = "horizontal"')
    text = text.replace("rate = 24\n", "rate = 25\n").replace("aspect = 2.39", "aspect = 1.85")
    text = text.replace('name = "close"\n', 'name = "close"\nbody = "arri-alexa-mini-lf"\n')
    (tmp_path / "plan.toml").write_text(text)
    plan = read_plan(tmp_path / "plan.toml")
    camera = LiveCamera.from_plan(plan, library, "010")
    _body, mode = library.body_and_mode(BODY)
    assert camera.info.film_back == mode.film_back
    assert camera.info.lens_kit == KIT and camera.kit is not None  # noqa: PT018
    assert camera.info.fit == SensorFit.HORIZONTAL
    assert camera.resolution == (1920, 1080)
    assert camera.delivery_aspect == 1.85
    assert camera.rate == 25
    assert camera.lens_label(50.0) == "Cooke S4/i 50mm"
    # a shot on a mark with its own body; the command line's names win over the plan's
    _body, lf_mode = library.body_and_mode("arri-alexa-mini-lf")
    assert LiveCamera.from_plan(plan, library, "030").info.film_back == lf_mode.film_back
    given = LiveCamera.from_plan(plan, library, "030", body=BODY, lens_kit=None,
                                 resolution=(1280, 720))
    assert given.info.film_back == mode.film_back and given.resolution == (1280, 720)  # noqa: PT018
    with pytest.raises(InputError, match="no shot '999'; valid: 010, 020, 030"):
        LiveCamera.from_plan(plan, library, "999")
    (tmp_path / "plan.toml").write_text(text.replace('"cooke-s4i"', '"no-such-kit"'))
    with pytest.raises(InputError, match=r"plan.toml: camera: .*no-such-kit"):
        LiveCamera.from_plan(read_plan(tmp_path / "plan.toml"), library, "010")


def test_burnins_name_slate_take_state_lens_and_timecode() -> None:
    library = load_rig_library()
    camera = LiveCamera.from_rig(library, BODY, KIT)
    now = time.monotonic()
    taken = sample(focal_mm=50.0, focus_m=4.0, received=now)
    view = camera.view(taken)
    texts = dict(camera.burnins(view, TakeState("A012", "A012_003", True, 72.46), taken).texts)
    assert texts["top_left"] == "SLATE A012  TAKE A012_003"
    assert texts["top"] == "REC 01:12.4"
    assert texts["top_right"].startswith("ARRI")
    assert texts["bottom_left"].splitlines() == ["Cooke S4/i 50mm", "50.0 mm  f/2.8  focus 4.00 m"]
    clock = time.localtime(time.time())
    assert texts["bottom_right"].startswith(f"TC {clock.tm_hour:02d}:")
    standby = dict(camera.burnins(view, TakeState(signal="NO SIGNAL 3 s")).texts)
    assert standby["top"] == "STANDBY  NO SIGNAL 3 s"
    assert "top_left" not in standby
    assert "bottom_right" not in standby
    assert format_elapsed(0.0) == "00:00.0"
    assert format_elapsed(3723.45) == "1:02:03.4"
    code = time_of_day_timecode(now, Fraction(25))
    assert len(code) == 11 and int(code[-2:]) < 25  # noqa: PT018


def test_telemetry_arrays_keep_the_last_seconds_raw_and_filtered() -> None:
    from previz.app.telemetry import counter_texts, history_arrays
    from previz.live.stats import LiveStats, copy_deque

    samples = [sample(position=(0.1 * i, 0.0, 1.0), pan_tilt_roll=(170.0 + 2 * i, 0.0, 0.0),
                      received=float(i)) for i in range(20)]
    history = history_arrays(samples, now=19.0, window_s=15.5)
    np.testing.assert_allclose(history.t, np.arange(4, 20) - 19.0)
    np.testing.assert_allclose(history.position[:, 0], 0.1 * np.arange(4, 20), atol=1e-12)
    # pan passes 180 without jumping
    np.testing.assert_allclose(history.angles[:, 0], 170.0 + 2 * np.arange(4, 20), atol=1e-9)
    np.testing.assert_allclose(history.raw_angles, history.angles, atol=1e-9)
    assert history_arrays([], now=1.0).t.shape == (0,)
    assert copy_deque(deque([1, 2, 3])) == [1, 2, 3]
    stats = LiveStats()
    stats.messages = 12
    stats.missing = 3
    for kind in ("invalid", "unmapped", "unmapped", "duplicate", "out_of_order", "checksum"):
        stats.reject(kind)
    texts = counter_texts(stats.snapshot())
    assert (texts["messages"], texts["missing"], texts["invalid"], texts["unmapped"],
            texts["duplicate"], texts["out_of_order"], texts["other"]) == (
                "12", "3", "1", "2", "1", "1", "1")
    assert texts["latency"] == "—"


# ------------------------------------------------------------------ the window (Xvfb)
def test_window_follows_records_and_calibrates_a_live_camera(live_window: Any,
                                                             tmp_path: Path) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from previz.live.journal import read_take_file
    from previz.render.frame import FrameRenderer

    window = live_window()
    session = window.session
    viewport = window.viewport
    assert "WAITING FOR PREVIZ" in viewport.burnin_texts()["top"]
    device = Device(session.address)

    # 70 rounds of the same pose (210 messages): the filter settles on it
    device.stream(70)
    assert wait_for(lambda: session.stats.messages == 210)
    latest = session.latest
    assert wait_for(lambda: viewport.shown_view is not None and not viewport.pending
                    and window.shown_sample is latest)
    np.testing.assert_allclose(latest.position, POSITION, atol=FLOAT32)
    view = viewport.shown_view
    assert np.array_equal(view.position, np.asarray(latest.position))  # the filtered pose
    np.testing.assert_allclose(view.position, POSITION, atol=FLOAT32)
    np.testing.assert_allclose(view.pan_tilt_roll(), PAN_TILT_ROLL, atol=0.01)
    vtk_camera = viewport.scene.plotter.renderer.GetActiveCamera()
    np.testing.assert_allclose(vtk_camera.GetPosition(), POSITION, atol=FLOAT32)
    np.testing.assert_allclose(np.subtract(vtk_camera.GetFocalPoint(), view.position), view.forward,
                               atol=1e-9)
    assert view.optics.lens.focal_mm == FOCAL_MM
    texts = viewport.burnin_texts()
    assert texts["bottom_left"].splitlines() == ["Cooke S4/i 50mm", "50.0 mm  f/2.8  focus inf"]
    assert texts["top"] == "STANDBY"
    assert texts["top_left"] == "SLATE A012"
    # the viewport shows exactly what previz render would write for that view
    frame = viewport.grab_frame()
    height, width = frame.shape[:2]
    still_view = ViewCamera.from_quaternion(latest.position, latest.orientation,
                                            focal_mm=FOCAL_MM, size=(width, height),
                                            camera=window.camera.info)
    with FrameRenderer(blocks_set(), (width, height), guides=window.camera.guides()) as renderer:
        expected = renderer.render(still_view, burnins=viewport.shown_burnins)
    assert np.abs(frame.astype(int) - expected.astype(int)).mean() <= 1.0

    # telemetry: the counts and the curves
    window.telemetry.refresh()
    values = {key: label.text() for key, label in window.telemetry.values.items()}
    assert values["messages"] == "210"
    assert values["samples"] == "210"
    assert (values["missing"], values["invalid"], values["unmapped"], values["duplicate"],
            values["out_of_order"]) == ("0", "0", "0", "0", "0")
    times, xs = window.telemetry.curves["x"].getData()
    assert len(xs) == 210
    assert xs[-1] == pytest.approx(POSITION[0], abs=FLOAT32)
    assert -10.0 <= times[0] < times[-1] <= 0.0
    _, pans = window.telemetry.curves["pan_raw"].getData()
    assert pans[-1] == pytest.approx(PAN_TILT_ROLL[0], abs=1e-3)

    # slate, record, mark, stop
    window.slate_edit.selectAll()
    QTest.keyClicks(window.slate_edit, "B020")
    QTest.keyClick(window.slate_edit, Qt.Key.Key_Return)
    assert session.slate == "B020"
    QTest.mouseClick(window.record_button, Qt.MouseButton.LeftButton)
    assert session.recording
    assert window.record_button.isChecked()
    assert wait_for(lambda: viewport.burnin_texts()["top"].startswith("REC "))
    assert viewport.burnin_texts()["top_left"] == "SLATE B020  TAKE B020_001"
    assert window.take_list.item(window.take_list.count() - 1).text().endswith("(recording)")
    device.stream(25, position=(POSITION[0] + 0.5, POSITION[1], POSITION[2]))
    QTest.mouseClick(window.mark_button, Qt.MouseButton.LeftButton)
    assert wait_for(lambda: session.stats.messages == 285)
    QTest.mouseClick(window.record_button, Qt.MouseButton.LeftButton)
    assert not session.recording
    assert not window.record_button.isChecked()
    takes = sorted((tmp_path / "takes").glob("*.vtake"))
    assert [p.name for p in takes] == ["B020_001.vtake"]
    take = read_take_file(takes[0])
    assert take.complete
    assert len(take.samples) == 75
    assert len(take.marks) == 1
    assert take.samples["focal_mm"][-1] == FOCAL_MM
    assert take.header["slate"] == "B020"
    assert take.header["camera"]["body"] == BODY
    assert wait_for(lambda: viewport.burnin_texts()["top"] == "STANDBY")
    assert viewport.burnin_texts()["top_left"] == "SLATE B020  TAKE B020_001"

    # the take list: double-click shows `previz take info`
    assert window.take_list.count() == 1
    item = window.take_list.item(0)
    assert item.text() == "B020_001.vtake"
    centre = window.take_list.visualItemRect(item).center()
    list_view = window.take_list.viewport()
    QTest.mouseClick(list_view, Qt.MouseButton.LeftButton, pos=centre)  # as a hand does
    QTest.mouseDClick(list_view, Qt.MouseButton.LeftButton, pos=centre)
    info = window.take_info.toPlainText()
    assert "B020_001" in info
    assert "samples    75 over" in info
    assert "1 mark" in info

    # calibration: zero the heading, then put the origin under the camera
    assert session.vcam.calibration.heading == 0.0
    QTest.mouseClick(window.heading_button, Qt.MouseButton.LeftButton)
    assert session.vcam.calibration.heading == pytest.approx(-PAN_TILT_ROLL[0], abs=1e-3)
    assert "heading -30.00°" in window.calibration_status.text()
    QTest.mouseClick(window.origin_button, Qt.MouseButton.LeftButton)
    assert "origin" in window.calibration_status.text()
    assert session.vcam.calibration.origin != (0.0, 0.0, 0.0)
    device.stream(5, position=(POSITION[0] + 0.5, POSITION[1], POSITION[2]))
    assert wait_for(lambda: session.stats.messages == 300)
    assert device.sent == 300
    assert wait_for(lambda: window.shown_sample is session.latest and not viewport.pending)
    calibrated = viewport.shown_view
    np.testing.assert_allclose(calibrated.position, (0.0, 0.0, POSITION[2]), atol=1e-5)
    np.testing.assert_allclose(calibrated.pan_tilt_roll()[0], 0.0, atol=1e-3)

    # the whole window, for a look
    shot = tmp_path / "previz_live.png"
    assert window.grab().save(str(shot))
    if os.environ.get("PREVIZ_LIVE_SCREENSHOT"):
        shutil.copyfile(shot, os.environ["PREVIZ_LIVE_SCREENSHOT"])
    assert shot.stat().st_size > 10_000


def test_calibration_without_data_says_why(live_window: Any) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    window = live_window(size=(1100, 700))
    QTest.mouseClick(window.heading_button, Qt.MouseButton.LeftButton)
    assert "no orientation from the device yet" in window.calibration_status.text()
    QTest.mouseClick(window.origin_button, Qt.MouseButton.LeftButton)
    assert "no position from the device yet" in window.calibration_status.text()
    assert window.session.vcam.calibration.heading == 0.0
    assert window.device_status.text().endswith("no data yet")


def test_qt_viewport_follows_the_camera_too(live_window: Any) -> None:
    window = live_window("qt", size=(1100, 700))
    session = window.session
    device = Device(session.address)
    device.stream(5)
    assert wait_for(lambda: session.stats.messages == 15)
    viewport = window.viewport
    assert wait_for(lambda: window.shown_sample is session.latest and not viewport.pending)
    camera = viewport.scene.plotter.renderer.GetActiveCamera()
    np.testing.assert_allclose(camera.GetPosition(), session.latest.position, atol=1e-9)
    assert viewport.burnin_texts()["bottom_left"].endswith("50.0 mm  f/2.8  focus inf")


def test_performers_loop_in_the_set_and_start_again_with_every_take(live_window: Any) -> None:
    from previz.core.synthetic import walking_take

    walker = walking_take(seconds=2.0, rate=60).with_placement(position=(0.0, 3.0, 0.0))
    window = live_window(size=(1100, 700), performers=(walker,))
    viewport = window.viewport
    standin = viewport.scene.standins[0]
    assert standin.loop  # a 2 s take keeps walking
    assert wait_for(lambda: viewport.shown_time is not None and viewport.shown_time > 0.2)
    assert wait_for(lambda: "time" not in viewport.pending)  # applied at the next render
    before = window.performance_time(time.monotonic())
    window.toggle_recording()
    try:
        # Record restarts the performance: its clock now counts from the take's start.
        assert window.performance_time(time.monotonic()) < before
        assert window.performance_time(time.monotonic()) < 0.5
        started = window.session.take_started
        assert window.performance_time(started + 1.25) == pytest.approx(1.25)
    finally:
        window.toggle_recording()
    # The mesh drawn is the stand-in posed at the time the viewport last applied.
    assert wait_for(lambda: "time" not in viewport.pending)
    shown = viewport.shown_time
    np.testing.assert_allclose(np.asarray(standin.mesh.points),
                               standin.geometry_at(shown).points, atol=1e-9)
    assert not np.allclose(standin.geometry_at(shown).points,
                           standin.geometry_at(shown + 0.5).points)  # it does move


def test_performers_start_at_the_origin_with_every_take(live_window: Any) -> None:
    from previz.core.synthetic import walking_take

    walker = walking_take(seconds=10.0, rate=60).with_placement(position=(0.0, 3.0, 0.0))
    window = live_window(size=(1100, 700), performers=(walker,), origin=6.0)
    opened = window.performance_time(time.monotonic())
    assert 6.0 <= opened < 7.0
    window.toggle_recording()
    try:
        started = window.session.take_started
        assert window.performance_time(started) == pytest.approx(6.0)
        assert window.performance_time(started + 1.25) == pytest.approx(7.25)
    finally:
        window.toggle_recording()
    assert wait_for(lambda: window.viewport.shown_time is not None
                    and window.viewport.shown_time >= 6.0)


def test_run_live_with_a_plan_and_shot(live_qt_app: Any, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The plan's set, camera and performer; the shot's slate and first frame."""
    from PySide6.QtCore import QTimer

    import previz.app.live as live_module

    seen: dict[str, Any] = {}

    class Recorder(live_module.LiveWindow):
        def __init__(self, session: Any, set_model: Any, camera: Any, **options: Any) -> None:
            seen.update(session=session, set_model=set_model, camera=camera, **options)
            super().__init__(session, set_model, camera, **options)

    monkeypatch.setattr(live_module, "LiveWindow", Recorder)
    QTimer.singleShot(600, live_qt_app.quit)
    try:
        code = live_module.run_live("previz", listen="127.0.0.1:0", plan=DEMO_PLAN, shot="020",
                                    takes=tmp_path / "takes", resolution=(640, 360))
    finally:
        gc.unfreeze()  # run_live freezes the collector's generations for the session
    assert code == 0
    assert seen["performance_origin"] == pytest.approx(3.0)  # frame 1073 of a 1001 start at 24
    assert seen["session"].slate == "020"
    assert seen["set_model"].name == "demo"
    assert [take.name for take in seen["takes"]] == ["walker"]
    assert seen["camera"].info.lens_kit == KIT and seen["camera"].rate == 24  # noqa: PT018
    assert seen["camera"].resolution == (640, 360)


def test_run_live_opens_and_closes(live_qt_app: Any, tmp_path: Path) -> None:
    from PySide6.QtCore import QTimer

    from previz.app.live import run_live

    QTimer.singleShot(600, live_qt_app.quit)
    try:
        code = run_live("previz", listen="127.0.0.1:0", set_spec="builtin:demo", body=BODY,
                        takes=tmp_path / "new" / "takes", slate="S1", resolution=(640, 360))
    finally:
        gc.unfreeze()  # run_live freezes the collector's generations for the session
    assert code == 0
    assert (tmp_path / "new" / "takes").is_dir()


# ------------------------------------------------------------------ command line
def test_cli_refuses_bad_input_before_opening_a_window(tmp_path: Path) -> None:
    from previz.cli import main

    runner = CliRunner()
    result = runner.invoke(main, ["live", "--help"])
    assert result.exit_code == 0
    assert "--lens-kit" in result.output and "--takes" in result.output  # noqa: PT018
    result = runner.invoke(main, ["live", "--device", "no-such-device"])
    assert result.exit_code == 2
    assert "no such device profile" in result.output
    result = runner.invoke(main, ["live", "--device", "previz", "--rig", "no-such-camera"])
    assert result.exit_code == 2
    assert "unknown camera body 'no-such-camera'" in result.output
    result = runner.invoke(main, ["live", "--device", "previz", "--listen", "127.0.0.1:x"])
    assert result.exit_code == 2
    assert "--listen" in result.output
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = runner.invoke(main, ["live", "--device", "previz", "--takes",
                                  str(blocker / "takes")])
    assert result.exit_code == 2
    assert "cannot create the folder" in result.output
    result = runner.invoke(main, ["live", "--device", "previz", "--shot", "010"])
    assert result.exit_code == 2
    assert "a shot needs its plan (--plan)" in result.output
    result = runner.invoke(main, ["live", "--device", "previz", "--plan", str(DEMO_PLAN),
                                  "--shot", "999"])
    assert result.exit_code == 2
    assert "no shot '999'; valid: 010, 020, 030" in result.output
    result = runner.invoke(main, ["live", "--device", "previz", "--viewport", "vr"])
    assert result.exit_code == 2
