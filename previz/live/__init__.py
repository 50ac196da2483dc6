"""Live device input (OSC, FreeD, OpenTrackIO) feeding the virtual camera."""
