"""Bring-up tools: `doctor` (what blocks a first run, and how to fix each), `boards` (which board
is on which port), `system` (the machine's and ROS's setup), `udev` (stable device names)."""
