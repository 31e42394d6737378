"""The radar node: the turning Kinect's /scan gathered into full-circle scans in a frame fixed to
the base (`radar_link`, on the pan axis), so gmapping and amcl work while the pan unit turns.

Subscribes: scan (sensor_msgs/LaserScan, any frame that tf can place in ~odom_frame).
Publishes: radar/scan (sensor_msgs/LaserScan in ~frame_id, ~bins bearings over a full turn,
NaN where nothing fresh was seen) at ~rate Hz, stamped with the newest tf of ~frame_id in odom;
no message while it has no fresh return at all.
Params: ~frame_id (radar_link), ~odom_frame (odom), ~rate (5 Hz), ~bins (720), ~range_max (8 m),
~max_age (s a return is kept: one sweep period), ~max_travel (m), ~max_turn (rad).
Each scan is placed in odom with tf at its own stamp; see terry.sensors.radar.
"""

from __future__ import annotations

import numpy as np
import rospy
import tf2_ros
from geometry_msgs.msg import TransformStamped
from sensor_msgs.msg import LaserScan

from terry.base.drive import Pose2D
from terry.nodes.startup import start
from terry.sensors.radar import Radar, SectorScan

PUBLISHES = ("radar/scan",)
SUBSCRIBES = ("scan",)
TF_WAIT = rospy.Duration(0.2)  # s a scan waits for tf to catch up with its stamp


def planar(transform: TransformStamped) -> Pose2D:
    t, q = transform.transform.translation, transform.transform.rotation
    return Pose2D.projected(t.x, t.y, (q.x, q.y, q.z, q.w))


class RadarNode:
    def __init__(self) -> None:
        self.frame_id = rospy.get_param("~frame_id", "radar_link")
        self.odom_frame = rospy.get_param("~odom_frame", "odom")
        self.radar = Radar(
            bins=int(rospy.get_param("~bins", 720)),
            range_max=float(rospy.get_param("~range_max", 8.0)),
            max_age=float(rospy.get_param("~max_age", 40.0)),
            max_travel=float(rospy.get_param("~max_travel", 1.0)),
            max_turn=float(rospy.get_param("~max_turn", 1.0)),
        )
        rate = float(rospy.get_param("~rate", 5.0))
        if not 0 < rate <= 100:
            raise ValueError(f"~rate must be in (0, 100] Hz, got {rate}")
        self.period = 1.0 / rate
        self.tf_buffer = tf2_ros.Buffer()
        self._listener = tf2_ros.TransformListener(self.tf_buffer)
        self._last_stamp = rospy.Time(0)
        self.pub = rospy.Publisher(PUBLISHES[0], LaserScan, queue_size=2)
        rospy.Subscriber(SUBSCRIBES[0], LaserScan, self._on_scan, queue_size=5)
        self._timer = rospy.Timer(rospy.Duration(self.period), self._publish)

    def _pose(self, frame: str, stamp: rospy.Time, wait: rospy.Duration) -> TransformStamped:
        return self.tf_buffer.lookup_transform(self.odom_frame, frame, stamp, wait)

    def _on_scan(self, msg: LaserScan) -> None:
        try:
            sensor = planar(self._pose(msg.header.frame_id, msg.header.stamp, TF_WAIT))
            origin = planar(self._pose(self.frame_id, msg.header.stamp, TF_WAIT))
            scan = SectorScan(
                msg.ranges, msg.angle_min, msg.angle_increment, msg.range_min, msg.range_max
            )
            self.radar.add(msg.header.stamp.to_sec(), scan, sensor, origin)
        except tf2_ros.TransformException as error:
            rospy.logwarn_throttle(10, f"radar: scan dropped, no pose for it in tf: {error}")
        except ValueError as error:
            rospy.logerr_throttle(10, f"radar: scan refused: {error}")

    def _publish(self, _event: rospy.timer.TimerEvent) -> None:
        try:
            tf = self._pose(self.frame_id, rospy.Time(0), rospy.Duration(0))
        except tf2_ros.TransformException as error:
            rospy.logwarn_throttle(10, f"radar: no {self.odom_frame} -> {self.frame_id}: {error}")
            return
        stamp = tf.header.stamp
        if stamp <= self._last_stamp:  # tf has not moved on: the same scan again says nothing new
            return
        ranges = self.radar.ranges(stamp.to_sec(), planar(tf))
        if not np.isfinite(ranges).any():
            # nothing seen yet: gmapping would take an empty first scan for its whole first map
            rospy.logwarn_throttle(10, "radar: no fresh returns from the Kinect's scan yet")
            return
        self._last_stamp = stamp
        msg = LaserScan()
        msg.header.stamp, msg.header.frame_id = stamp, self.frame_id
        msg.angle_min, msg.angle_max = self.radar.angle_min, self.radar.angle_max
        msg.angle_increment = self.radar.angle_increment
        msg.scan_time = self.period
        msg.range_min, msg.range_max = 0.0, self.radar.range_max
        msg.ranges = [float(r) for r in ranges]
        self.pub.publish(msg)


def main() -> None:
    start("radar", RadarNode)
    rospy.spin()
