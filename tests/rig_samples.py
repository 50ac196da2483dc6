"""Small rig files (TOML text) for tests: a camera, two lens kits and a support."""

CAMERA = """
schema = "previz.rig/1"
kind = "camera"
name = "test-cam"
display_name = "Test Cam"
make = "Acme"
model = "One"
default_mode = "open-gate"
source = "made up for a test"

[[modes]]
name = "open-gate"
label = "Open Gate"
width_mm = 27.99
height_mm = 19.22
photosites = [4608, 3164]

[[modes]]
name = "16x9"
label = "16:9"
width_mm = 27.99
height_mm = 15.75
"""

PRIMES = """
schema = "previz.rig/1"
kind = "lens-kit"
name = "test-primes"
squeeze = 1.0

[[lenses]]
name = "25mm"
focal_mm = 25
t_stop = 2.0

[[lenses]]
name = "50mm"
focal_mm = 50
"""

ZOOM = """
schema = "previz.rig/1"
kind = "lens-kit"
name = "test-zoom"
squeeze = 2.0

[[lenses]]
name = "24-290mm"
focal_range_mm = [24, 290]
t_stop = 2.8
close_focus_m = 1.22
"""

SUPPORT = """
schema = "previz.rig/1"
kind = "support"
name = "test-dolly"
display_name = "Dolly"
max_speed_m_s = 1.5
max_acceleration_m_s2 = 1.0
height_range_m = [0.5, 2.0]
max_pan_deg_s = 90
"""
