"""Plain data and math (numpy/scipy only): time, rotations, skeletons, takes."""
