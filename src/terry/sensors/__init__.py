"""The sensor boards seen from the host: the pan/tilt unit and the IMU with its filter."""
