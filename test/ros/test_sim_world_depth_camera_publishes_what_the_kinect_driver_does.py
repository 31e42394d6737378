"""The simulated Kinect as a depth camera (sim_world kinect:=depth): the driver's topics
(camera/depth/image_raw 16UC1 in mm, camera/depth/camera_info), in camera_depth_optical_frame,
showing the wall the Kinect points at, at its true distance, and following the pan unit."""

from __future__ import annotations

import math

import numpy as np
import pytest
from fixtures.harness import Recorder, wait_for
from fixtures.publishers import Joints

# The robot at the world's origin; the pan axis 4 cm behind it and the depth camera 3 cm in
# front of the axis, 1.25 cm to the left of the camera (URDF). Pointing south (pan -pi/2) the
# camera sees the living room's south wall (y = -2.4) straight on.
SOUTH_WALL_DEPTH = 2.4 - 0.03


def depth_image(msg) -> np.ndarray:
    assert msg.encoding == "16UC1" and msg.step == 2 * msg.width and not msg.is_bigendian
    return np.frombuffer(msg.data, dtype="<u2").reshape(msg.height, msg.width) / 1000.0


@pytest.fixture
def camera(rospy_node, roslaunch):
    from sensor_msgs.msg import CameraInfo, Image

    robot = roslaunch("description.launch")
    world = roslaunch("sim_world.launch", kinect="depth")
    joints = Joints(rospy_node, "/joint_states", ["pan_joint", "tilt_joint"])
    images = Recorder("/camera/depth/image_raw", Image)
    infos = Recorder("/camera/depth/camera_info", CameraInfo)
    wait_for(lambda: images.messages or not (world.alive and robot.alive), 60, "a depth image")
    assert world.alive, world.output()
    yield joints, images, infos
    for closing in (images, infos):
        closing.close()
    joints.stop()


def test_depth_image_and_camera_info_are_the_drivers(camera):
    _, images, infos = camera
    image, info = images.wait_count(2)[-1], infos.wait_count(2)[-1]
    assert image.header.frame_id == info.header.frame_id == "camera_depth_optical_frame"
    assert (image.width, image.height) == (info.width, info.height) == (160, 120)
    fx, cx, fy, cy = info.K[0], info.K[2], info.K[4], info.K[5]
    assert fx == fy and cx == pytest.approx(79.5) and cy == pytest.approx(59.5)
    assert 2 * math.degrees(math.atan(80 / fx)) == pytest.approx(58.5, abs=1.0), "Kinect's FOV"
    depth = depth_image(image)
    assert np.all((depth == 0) | (depth >= 0.45)), "0 (no data) or beyond the blind spot"


def test_depth_shows_the_wall_the_pan_unit_points_at(camera):
    joints, images, _ = camera
    joints.positions["pan_joint"] = -math.pi / 2
    images.clear()
    images.wait_count(3, timeout=30)

    def centre_depth() -> float:
        depth = depth_image(images.snapshot()[-1])
        return float(np.median(depth[55:65, 70:90]))

    wait_for(lambda: abs(centre_depth() - SOUTH_WALL_DEPTH) < 0.05, 30, "the south wall")
    joints.positions["pan_joint"] = 0.0  # east: through the kitchen doorway to the counter
    wait_for(lambda: centre_depth() > 5.0, 30, "the far kitchen")
