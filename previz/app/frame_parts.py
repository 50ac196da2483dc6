"""The scene parts a viewport still has to update before it draws its next frame."""

from __future__ import annotations

__all__ = ["FrameParts"]


class FrameParts:
    """Mixin base of the viewport mixins: scene parts waiting for the next frame.

    ``_dirty`` holds the parts (``"view"``, ``"guides"``, ``"burnins"``,
    ``"time"``) to apply; the subclass's ``sync()`` applies and clears them
    just before each render.
    """

    _dirty: set[str]

    def _frame_changed(self) -> None:
        """The frame's pixel size changed: burn-in text size and the view follow."""
        self._dirty.update({"burnins", "view"})
        self.update()  # type: ignore[attr-defined]

    @property
    def pending(self) -> frozenset[str]:
        """Scene parts still to update before the next frame."""
        return frozenset(self._dirty)
