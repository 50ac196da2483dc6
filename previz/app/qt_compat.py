"""Work-arounds for the Qt bindings, applied once when the desktop tools load.

PySide6 6.12 returns ``None`` from methods without a reference of its own
(CPython 3.12 made ``None`` immortal, so newer interpreters do not notice). On
CPython 3.11 every such call takes one reference from ``None`` and a long Qt
session eventually aborts with "deallocating None". :func:`keep_none_alive`
gives ``None`` a reference count no session can use up, which is what CPython
3.12 does for every interpreter.
"""

from __future__ import annotations

import sys

__all__ = ["keep_none_alive"]

# Extra references given to None (an immortal object's count is of this order).
_SPARE_REFERENCES = 1 << 40
_done = False


def keep_none_alive() -> None:
    """Make ``None`` effectively immortal on CPython < 3.12 (a no-op elsewhere or when done)."""
    global _done
    if _done or sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    import ctypes

    # ob_refcnt is the first field of every CPython object (non-debug builds).
    count = ctypes.c_ssize_t.from_address(id(None))
    count.value += _SPARE_REFERENCES
    _done = True


keep_none_alive()
