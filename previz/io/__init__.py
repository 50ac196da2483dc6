"""File formats: readers and writers registered by extension in :mod:`previz.io.registry`.

Axis and unit conversions happen here, at the boundary, never in the renderer.
"""
