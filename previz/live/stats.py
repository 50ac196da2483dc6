"""Live telemetry: what arrived, what was used, what was rejected, and how fast.

The receive thread updates a :class:`LiveStats` (plain integer adds, no
locks: a reader on another thread may see a count one packet old, never a torn
value); the UI and ``previz record`` read :meth:`LiveStats.snapshot` to show
the message rate, jitter, latency and the dropped/invalid/unmapped counts.
"""

from __future__ import annotations

import itertools
import math
from collections import deque
from dataclasses import dataclass, field
from typing import Any, TypeVar

__all__ = ["REJECT_KINDS", "LiveStats", "copy_deque"]

#: Why a datagram or message was not used.
REJECT_KINDS = (
    "invalid", "checksum", "range", "unsupported", "unmapped", "sender", "duplicate",
    "out_of_order", "journal",
)

_WINDOW = 512
_T = TypeVar("_T")


def copy_deque(items: deque[_T], attempts: int = 5) -> list[_T]:
    """Copy a deque another thread appends to (retrying the rare copy that sees it change)."""
    for _ in range(attempts):
        try:
            return list(items)
        except RuntimeError:  # "deque mutated during iteration"
            continue
    return []


@dataclass
class LiveStats:
    """Counters and recent timings of one live input."""

    datagrams: int = 0
    messages: int = 0
    samples: int = 0
    missing: int = 0
    rejected: dict[str, int] = field(default_factory=lambda: dict.fromkeys(REJECT_KINDS, 0))
    last_error: str = ""
    _arrivals: deque[float] = field(default_factory=lambda: deque(maxlen=_WINDOW))
    _latencies: deque[float] = field(default_factory=lambda: deque(maxlen=_WINDOW))

    def reject(self, kind: str, message: str = "") -> None:
        """Count one rejected datagram or message."""
        self.rejected[kind] = self.rejected.get(kind, 0) + 1
        if message:
            self.last_error = message

    def sampled(self, received: float, latency: float | None) -> None:
        """Count one sample made at ``received`` (monotonic s), with its latency if known."""
        self.samples += 1
        self._arrivals.append(received)
        if latency is not None and math.isfinite(latency) and abs(latency) < 10.0:
            self._latencies.append(latency)

    def rate(self) -> float:
        """Samples per second over the recent window."""
        arrivals = copy_deque(self._arrivals)
        if len(arrivals) < 2 or arrivals[-1] <= arrivals[0]:
            return 0.0
        return (len(arrivals) - 1) / (arrivals[-1] - arrivals[0])

    def jitter(self) -> float:
        """Standard deviation of recent sample intervals, seconds."""
        arrivals = copy_deque(self._arrivals)
        if len(arrivals) < 3:
            return 0.0
        steps = [b - a for a, b in itertools.pairwise(arrivals)]
        mean = sum(steps) / len(steps)
        return math.sqrt(sum((s - mean) ** 2 for s in steps) / len(steps))

    def latency(self) -> float | None:
        """Median recent device-to-receive latency, seconds (None when unknown)."""
        values = sorted(copy_deque(self._latencies))
        return values[len(values) // 2] if values else None

    def snapshot(self) -> dict[str, Any]:
        """Plain numbers for display and JSON."""
        latency = self.latency()
        return {
            "datagrams": self.datagrams,
            "messages": self.messages,
            "samples": self.samples,
            "missing": self.missing,
            "rate_hz": round(self.rate(), 2),
            "jitter_ms": round(self.jitter() * 1000.0, 3),
            "latency_ms": None if latency is None else round(latency * 1000.0, 3),
            "rejected": dict(self.rejected),
            "last_error": self.last_error,
        }
