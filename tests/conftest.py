"""Shared test fixtures.

Real third-party data lives in ``../shared/data`` beside the repository (or where
``PREVIZ_SHARED`` points); tests that need it skip cleanly when it is absent.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from qt_display import private_xvfb

from shared_data import SHARED_BVH, shared_bvh_files

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

__all__ = ["shared_bvh_files"]


@pytest.fixture
def shared_bvh_dir() -> Path:
    """Folder of real BVH files; skips the test when ../shared is absent."""
    if not SHARED_BVH.is_dir():
        pytest.skip(f"shared data not found at {SHARED_BVH}")
    return SHARED_BVH


@pytest.fixture
def bvh_file(tmp_path: Path) -> Callable[..., Path]:
    """Write BVH text (str, or bytes kept byte-for-byte) to a temporary file."""

    def write(content: str | bytes, name: str = "take.bvh") -> Path:
        path = tmp_path / name
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8", newline="")
        else:
            path.write_bytes(content)
        return path

    return write


@pytest.fixture(scope="session")
def xvfb() -> Iterator[str]:
    """One private Xvfb display for all window tests of the session (see qt_display)."""
    with private_xvfb() as display:
        yield display
