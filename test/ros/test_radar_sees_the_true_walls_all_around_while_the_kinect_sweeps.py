"""The radar node on the whole simulated robot (sim.launch + radar.launch): with the Kinect
sweeping at the pan unit's top speed, /radar/scan, in radar_link fixed to the base, shows the
apartment's true walls (the world's /sim/map, from the true pose on /sim/ground_truth) all around
the robot after one turn of the pan, not just the Kinect's 57 degrees.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from fixtures.harness import Recorder, wait_for

from terry.base.drive import Pose2D
from terry.model import load_robot
from terry.paths import package_file
from terry.sim.world import OccupancyMap, cast, compose

SWEEP = load_robot().joint("pan_joint").velocity  # rad/s, the pan unit's top speed
NEAR_WALL = 0.1  # m: a radar point this close to a solid cell is on a wall


def pose_of(msg) -> Pose2D:
    p = msg.pose.pose
    return Pose2D.projected(
        p.position.x,
        p.position.y,
        (p.orientation.x, p.orientation.y, p.orientation.z, p.orientation.w),
    )


def pan_angle(msg) -> float:
    return msg.position[msg.name.index("pan_joint")]


@pytest.fixture
def sweeping(rospy_node, roslaunch, run_dir):
    import tf2_ros
    from nav_msgs.msg import Odometry
    from sensor_msgs.msg import JointState, LaserScan
    from std_msgs.msg import Bool, Float64

    launch = roslaunch("sim.launch", no_dashboard="true")
    radar_launch = roslaunch("radar.launch", scan_topic="/scan")  # the world ray-casts it
    radar = Recorder("/radar/scan", LaserScan, queue_size=10)
    truth = Recorder("/sim/ground_truth", Odometry, queue_size=10)
    pan = Recorder("/joint_states", JointState, accept=lambda m: "pan_joint" in m.name)
    buffer = tf2_ros.Buffer()
    listener = tf2_ros.TransformListener(buffer)
    for recorder in (radar, truth, pan):
        wait_for(
            lambda r=recorder: r.messages or not (launch.alive and radar_launch.alive),
            90,
            f"first {recorder.topic}",
        )
        assert launch.alive and radar_launch.alive, launch.output() + radar_launch.output()
    estop = rospy_node.Publisher("/estop", Bool, queue_size=1, latch=True)
    estop.publish(Bool(False))  # the pan unit moves only once it has heard the e-stop's state
    velocity = rospy_node.Publisher("/pan/velocity", Float64, queue_size=1, latch=True)
    start = pan_angle(pan.snapshot()[-1])

    def sweeping() -> bool:
        velocity.publish(Float64(SWEEP))
        return abs(pan_angle(pan.snapshot()[-1]) - start) > 0.05

    wait_for(sweeping, 30, "the pan unit to start sweeping", interval=1.0)
    yield rospy_node, radar, truth, pan, buffer
    velocity.publish(Float64(0.0))
    velocity.unregister()
    estop.unregister()
    listener.unregister()
    for closing in (radar, truth, pan):
        closing.close()


def test_one_turn_of_the_pan_shows_the_true_walls_all_around_in_a_frame_fixed_to_the_base(
    sweeping,
):
    rospy, radar, truth, pan, buffer = sweeping
    start = pan_angle(pan.snapshot()[-1])
    turn = 2 * math.pi + math.radians(57)  # every bearing has been in the Kinect's view
    wait_for(
        lambda: abs(pan_angle(pan.snapshot()[-1]) - start) > turn,
        3 * turn / SWEEP,
        "the pan unit to sweep one full turn",
    )
    radar.clear()
    msg = radar.wait_count(1, timeout=10)[-1]
    assert msg.header.frame_id == "radar_link" and len(msg.ranges) == 720
    assert msg.angle_min == pytest.approx(-math.pi)
    assert msg.angle_increment == pytest.approx(2 * math.pi / 720)
    mount = buffer.lookup_transform(
        "base_footprint", "radar_link", rospy.Time(0), rospy.Duration(5)
    )
    t, q = mount.transform.translation, mount.transform.rotation
    origin = compose(
        pose_of(truth.snapshot()[-1]), Pose2D.projected(t.x, t.y, (q.x, q.y, q.z, q.w))
    )
    world = OccupancyMap.load(package_file("maps", "apartment.yaml"))
    bearings = msg.angle_min + msg.angle_increment * np.arange(len(msg.ranges))
    expected = cast(world, origin.x, origin.y, origin.yaw + bearings, msg.range_max)
    seen = np.array(msg.ranges)

    visible = (expected > 0.6) & (expected < msg.range_max - 0.5)
    assert visible.sum() > 0.5 * len(bearings), "the start pose has walls all around in range"
    coverage = np.isfinite(seen[visible]).mean()
    assert coverage > 0.9, f"the radar saw only {coverage:.0%} of the bearings with a wall"
    sides = [
        np.isfinite(seen[visible & (np.abs(np.angle(np.exp(1j * (bearings - a)))) < 0.5)])
        for a in (0, math.pi / 2, math.pi, -math.pi / 2)
    ]
    assert all(side.size and side.mean() > 0.8 for side in sides), "ahead, left, behind, right"

    hit = np.isfinite(seen)
    xs = origin.x + seen[hit] * np.cos(origin.yaw + bearings[hit])
    ys = origin.y + seen[hit] * np.sin(origin.yaw + bearings[hit])
    offsets = np.arange(-NEAR_WALL, NEAR_WALL + 1e-9, world.resolution / 2)
    on_wall = np.zeros(len(xs), dtype=bool)
    for dx in offsets:
        for dy in offsets:
            on_wall |= world.is_solid(xs + dx, ys + dy)
    assert on_wall.mean() > 0.95, f"only {on_wall.mean():.0%} of the radar's points lie on walls"
    error = np.abs(seen - expected)[hit & visible]
    assert np.median(error) < 0.05, f"median range error {np.median(error):.3f} m"
