"""Odometry's heading from the gyro (terry.base.gyro): the yaw rate integrated between updates
replaces the turn that slipping wheels report, a silent gyro hands back to the wheels, and bad
samples are refused."""

import math

import pytest

from terry.base.drive import EncoderOdometry, Pose2D
from terry.base.gyro import GyroTurn
from terry.model import DriveGeometry
from terry.paths import package_file
from terry.sim.wheel_slip import WheelSlip
from terry.sim.world import OccupancyMap, World

GEOMETRY = DriveGeometry(wheel_radius=0.035, wheel_separation=0.2)
TICKS = 360


def test_a_steady_rate_integrates_to_its_turn():
    gyro = GyroTurn()
    for i in range(201):  # 1 s at 200 Hz
        gyro.add(0.5, i / 200)
    assert gyro.take(1.0) == pytest.approx(0.5, abs=1e-9)
    assert gyro.take(1.0) == 0.0, "a take empties it"


def test_a_silent_gyro_says_none_and_a_gap_is_not_bridged():
    gyro = GyroTurn(max_gap=0.1, max_silence=0.5)
    assert gyro.take(0.0) is None, "never heard"
    gyro.add(1.0, 0.0)
    gyro.add(1.0, 0.5)  # 0.5 s gap: the turn in it is unknown
    assert gyro.take(0.55) is None, "the update spanning the gap takes the wheels' turn"
    gyro.add(1.0, 0.6)
    assert gyro.take(0.6) == pytest.approx(0.1), "after it, the gyro again"
    assert gyro.take(0.9) == 0.0, "silent for 0.3 s: late, perhaps, not lost"
    assert gyro.take(1.15) is None, "silent for 0.55 s"


def test_late_samples_count_once_at_the_next_take():
    """A busy host hands the samples over 0.15 s late: every take sees only older ones, and
    the takes still add up to the whole turn."""
    gyro, rate, taken, added = GyroTurn(), 0.8, 0.0, 0
    for update in range(8, 59):  # odometry at 50 Hz from 0.16 s to 1.16 s
        now = update / 50
        while added <= 200 and added / 200 <= now - 0.15:  # 1 s of samples at 200 Hz
            gyro.add(rate, added / 200)
            added += 1
        turn = gyro.take(now)
        assert turn is not None, f"the late gyro was dropped at {now:.2f} s"
        taken += turn
    assert taken == pytest.approx(rate * 1.0, abs=1e-9)


def test_out_of_order_samples_count_once_and_bad_ones_are_refused():
    gyro = GyroTurn()
    gyro.add(1.0, 0.00)
    gyro.add(1.0, 0.05)
    gyro.add(5.0, 0.02)  # late: ignored
    for rate, stamp in ((math.nan, 0.06), (1.0, math.inf)):
        with pytest.raises(ValueError, match="not finite"):
            gyro.add(rate, stamp)
    assert gyro.take(0.06) == pytest.approx(0.05)


def test_standing_wheels_keep_the_heading_whatever_the_gyro_says():
    odometry = EncoderOdometry(GEOMETRY, TICKS)
    odometry.update(0, 0, 0.0)
    odometry.update(0, 0, 0.1, turn=0.002)  # a resting gyro's residual bias
    assert odometry.pose == Pose2D()
    odometry.update(-1, 1, 0.2, turn=0.01)
    odometry.update(-1, 1, 0.3, turn=0.01)  # a slow turn: no count in this update
    assert odometry.pose.yaw == pytest.approx(0.02), "turning: the gyro's turn counts"
    odometry.update(-1, 1, 0.8, turn=0.01)  # no count for over rest_after (0.5 s)
    assert odometry.pose.yaw == pytest.approx(0.02), "standing again"


def heading_errors(turns: int) -> tuple[float, float]:
    """Spin in place `turns` times on slipping wheels; the heading error of wheel odometry and of
    gyro odometry (a perfect gyro: the true turn) against the world's truth."""
    grid = OccupancyMap.load(package_file("maps", "apartment.yaml"))
    slip = WheelSlip(radius_error=(0.004, -0.004), slip=0.02, seed=1)
    world = World(grid, GEOMETRY, robot_radius=0.2, pose=Pose2D(), slip=slip)
    wheels, gyro = EncoderOdometry(GEOMETRY, TICKS), EncoderOdometry(GEOMETRY, TICKS)
    step = 0.02 / GEOMETRY.wheel_radius  # 2 cm of wheel travel per update, opposite ways
    angle, true_yaw = 0.0, 0.0
    for odometry in (wheels, gyro):
        odometry.update(0, 0, 0.0)
    for i in range(1, 1 + int(turns * math.pi * GEOMETRY.wheel_separation / 0.02)):
        before = world.pose.yaw
        assert world.roll(-step, step)
        true_turn = math.atan2(math.sin(world.pose.yaw - before), math.cos(world.pose.yaw - before))
        true_yaw += true_turn
        angle += step
        ticks = round(angle / (2 * math.pi) * TICKS)
        wheels.update(-ticks, ticks, i * 0.02)
        gyro.update(-ticks, ticks, i * 0.02, turn=true_turn)

    def error(pose: Pose2D) -> float:
        return abs(math.atan2(math.sin(pose.yaw - true_yaw), math.cos(pose.yaw - true_yaw)))

    return error(wheels.pose), error(gyro.pose)


def test_gyro_odometry_keeps_the_heading_that_slipping_wheels_lose():
    wheels, gyro = heading_errors(turns=5)
    assert wheels > 0.2, "slip makes wheel odometry over-count the turns"
    assert gyro < 1e-9, "the heading is the gyro's: the wheels' slip does not enter it"
