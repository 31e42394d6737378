"""Calibration at run time (ROS-free): what the bring-up tools compute and the nodes load.

- `prompts`: asking the user, on a terminal (one key at a time) or from a pipe (one line each).
- `files`: where calibration files live (config/calibration/) and how they are written.
- `odometry`: the wheel radius and track from driven distances and turns, written to
  config/calibration/odometry.yaml; `drive_geometry_for` gives base_controller the URDF's
  nominal geometry overridden by that file.
- `servos`: stepping a servo's centre, checking its direction and range, and writing
  config/servos.yaml (`terry.arm.calibration` reads it), never beyond the URDF's limits.

The IMU's calibration (gyro bias, accelerometer offsets and scale) lives beside the IMU:
`terry.sensors.imu_calibration`. The command-line tools are `terry.bringup.calibrate_odom`,
`calibrate_imu` and `calibrate_servos` (docs/bring-up.md).
"""
