"""Storyboards: one card per shot with its facts, relative frame links, and every user
string escaped (no markup gets through)."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from export_samples import PLAN, rig_library, write_plan_folder
from previz.core.shotplan import validate_plan
from previz.io.shotlist import shot_rows
from previz.io.shotplan_toml import read_plan
from previz.io.storyboard import STORYBOARD_NAME, write_storyboard
from previz.render.floorplan import plan_floor_plan

NASTY = "<script>alert(1)</script> \"quoted\" & 'single'"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt; &quot;quoted&quot; &amp; &#x27;single&#x27;"


class Page(HTMLParser):
    """Collects start tags with their attributes, and the text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def named(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]


def parse(text: str) -> Page:
    page = Page()
    page.feed(text)
    page.close()
    return page


def toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def board(tmp_path: Path, plan_text: str, *, with_plan: bool = True,
          frames_for: tuple[str, ...] | None = None) -> str:
    library = rig_library(tmp_path / "rigs")
    plan = validate_plan(read_plan(write_plan_folder(tmp_path / "plan", plan_text)), library)
    rows = shot_rows(plan, library)
    out = tmp_path / "out"
    (out / "frames").mkdir(parents=True)
    frames = {}
    for shot in plan.shots:
        if frames_for is None or shot.id in frames_for:
            path = out / "frames" / f"{len(frames)}.png"
            path.write_bytes(b"\x89PNG\r\n\x1a\n")
            frames[shot.id] = path
    svg = plan_floor_plan(plan, library) if with_plan else None
    target = write_storyboard(plan, rows, out, frames, svg)
    assert target == out / STORYBOARD_NAME
    return target.read_text(encoding="utf-8")


def test_cards_facts_and_frames(tmp_path: Path) -> None:
    text = board(tmp_path, PLAN, frames_for=("010", "030"))
    page = parse(text)
    cards = [a for a in page.named("article") if a.get("class") == "card"]
    assert [a["id"] for a in cards] == ["shot-010", "shot-020", "shot-030"]
    images = page.named("img")
    assert [i["src"] for i in images] == ["frames/0.png", "frames/1.png"]  # relative links
    assert all((tmp_path / "out" / i["src"]).is_file() for i in images)  # type: ignore[operator]
    assert text.count('class="frame missing"') == 1  # 020 has no frame
    words = " ".join(page.text)
    for fact in ("1001–1024 (24 f, 1.00 s)", "00:00:41:17 – 00:00:42:17", "test-cam:16x9",
                 "test-zoom 24-290mm T2.8", "25–50 mm", "f/2.8–f/4.0", "1.60 m", "-3.0°",
                 "9.22 m (stand-in)", "locked off", "marks A, B", "camera file cam.json"):
        assert fact in words, fact
    assert len(page.named("svg")) == 1  # the floor plan, inline
    assert "<style>" in text  # self-contained
    assert "<link" not in text
    assert "@media print" in text
    assert "break-inside:avoid" in text


def test_every_user_string_is_escaped(tmp_path: Path) -> None:
    plan_text = (PLAN
                 .replace('title = "Export test"', f"title = {toml_string(NASTY)}")
                 .replace('notes = "locked off"', f"notes = {toml_string(NASTY)}")
                 .replace('id = "010"', f"id = {toml_string(NASTY)}")
                 .replace('description = "Push in"', f"description = {toml_string(NASTY)}")
                 .replace('tags = ["wide", "day"]', f"tags = [{toml_string(NASTY)}]")
                 .replace('name = "B"', f"name = {toml_string(NASTY)}")
                 .replace('marks = ["A", "B"]', f'marks = ["A", {toml_string(NASTY)}]'))
    text = board(tmp_path, plan_text)
    page = parse(text)
    assert page.named("script") == []  # no script element anywhere
    assert "<script" not in text.lower()
    allowed = {"html", "head", "meta", "title", "style", "body", "header", "h1", "p", "section",
               "article", "img", "div", "h2", "span", "dl", "dt", "dd", "svg", "rect", "g",
               "path", "text", "polyline", "circle"}
    assert {name for name, _ in page.tags} <= allowed
    assert all(not name.startswith("on") for _, attrs in page.tags for name in attrs)
    # the text reads back exactly: title, shot id, description, note, tag and mark name
    words = "".join(page.text)
    assert words.count(NASTY) >= 8
    assert text.count(ESCAPED) >= 8
    card = next(a for a in page.named("article") if a.get("class") == "card")
    assert card["id"] == f"shot-{NASTY}"  # attribute values come back whole
    image = page.named("img")[0]
    assert image["alt"] == f"Shot {NASTY}, frame 1001"


@pytest.mark.parametrize("with_plan", [True, False])
def test_floor_plan_is_optional(tmp_path: Path, with_plan: bool) -> None:
    text = board(tmp_path, PLAN, with_plan=with_plan)
    assert ('class="plan"' in text) is with_plan
