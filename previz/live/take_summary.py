"""A recorded take, summarised for people: what ``previz take info`` and the live app show."""

from __future__ import annotations

import math

import numpy as np

from previz.live.journal import TakeData

__all__ = ["take_summary"]


def take_summary(data: TakeData) -> list[str]:
    """Return the readable lines of ``previz take info`` for a take.

    Device, slate, state (complete, recovered or interrupted), sample count,
    duration and rate, marks, sample-id gaps, position range, lens and raw
    encoder ranges, calibration.
    """

    header = data.header
    samples = data.samples
    state = ("complete" if data.complete and not data.recovered else
             "recovered after an interruption" if data.recovered else
             "interrupted: run `previz take recover` to close it")
    lines = [
        str(data.path),
        f"  take       {header.get('name', '')!s}  slate {header.get('slate') or '-'}  "
        f"device {header.get('device', '?')} ({header.get('protocol', '?')})",
        f"  started    {header.get('started', '?')}",
        f"  state      {state}",
        f"  samples    {len(samples)} over {data.duration:.3f} s ({data.rate:.1f} per second), "
        f"{len(data.marks)} mark{'s' if len(data.marks) != 1 else ''}",
    ]
    if len(samples):
        ids = samples["sample_id"]
        gaps = int((ids[1:] - ids[:-1] - 1).clip(0).sum()) if len(ids) > 1 else 0
        low, high = samples["position"].min(axis=0), samples["position"].max(axis=0)
        lines.append(f"  ids        {int(ids[0])}..{int(ids[-1])}, {gaps} missing")
        lines.append(f"  position   x {low[0]:.3f}..{high[0]:.3f}  y {low[1]:.3f}..{high[1]:.3f}"
                     f"  z {low[2]:.3f}..{high[2]:.3f} m")
        focal = samples["focal_mm"]
        focus = samples["focus_m"]
        finite = focus[[math.isfinite(v) for v in focus]]
        focus_text = f"{finite.min():.2f}..{finite.max():.2f} m" if finite.size else "infinity"
        lines.append(f"  lens       focal {focal.min():g}..{focal.max():g} mm, focus {focus_text}")
        encoders = [
            f"{name} {values.min():g}..{values.max():g}"
            for name in ("zoom", "focus", "iris")
            if (values := samples[f"{name}_raw"][~np.isnan(samples[f"{name}_raw"])]).size
        ]
        if encoders:
            lines.append(f"  encoders   {', '.join(encoders)} (raw)")
    calibration = header.get("calibration") or {}
    if calibration:
        lines.append(f"  calibrated origin {calibration.get('origin')} m, heading "
                     f"{calibration.get('heading')}°, scale {calibration.get('scale')}")
    return lines
