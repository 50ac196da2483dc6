"""Scene building and off-screen rendering with pyvista."""
