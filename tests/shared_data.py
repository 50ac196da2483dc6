"""Where the real third-party test data is: ``../shared/data`` or ``$PREVIZ_SHARED``."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("PREVIZ_SHARED", REPO.parent / "shared"))
SHARED_BVH = SHARED / "data" / "bvh"


def shared_bvh_files() -> list[Path]:
    """The real BVH files (empty when the folder is absent)."""
    return sorted(SHARED_BVH.glob("*.bvh")) if SHARED_BVH.is_dir() else []


def reference_cases() -> list[Path]:
    """Real BVH files that have reference positions beside them."""
    return [p for p in shared_bvh_files() if (p.parent / "reference" / f"{p.stem}.npz").exists()]
