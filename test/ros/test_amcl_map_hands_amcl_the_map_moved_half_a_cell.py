"""Real master, the amcl_map node alone (rosrun): it passes each map on, latched, with the
origin moved half a cell along the grid's axes and every cell as it was; a map that is not a
grid is logged and not passed on, and the node stays up for the next."""

from __future__ import annotations

import math

import pytest
from fixtures.harness import Recorder, wait_for
from nav_msgs.msg import OccupancyGrid

IN, OUT = "/amcl_map_test/map", "/amcl_map_test/amcl_map"


def grid(resolution: float, x: float, y: float, yaw: float = 0.0) -> OccupancyGrid:
    msg = OccupancyGrid()
    msg.header.frame_id = "map"
    msg.info.resolution, msg.info.width, msg.info.height = resolution, 3, 2
    msg.info.origin.position.x, msg.info.origin.position.y = x, y
    msg.info.origin.orientation.z, msg.info.origin.orientation.w = (
        math.sin(yaw / 2),
        math.cos(yaw / 2),
    )
    msg.data = [0, 100, -1, 0, 0, 100]
    return msg


@pytest.fixture
def amcl_map(rospy_node, ros_process):
    node = ros_process("rosrun", "terry", "amcl_map", f"map:={IN}", f"amcl_map:={OUT}")
    publisher = rospy_node.Publisher(IN, OccupancyGrid, queue_size=1, latch=True)
    out = Recorder(OUT, OccupancyGrid)
    wait_for(lambda: publisher.get_num_connections() > 0, 30, "amcl_map subscribed")
    yield publisher, out, node
    publisher.unregister()
    out.close()


def test_the_map_is_passed_on_latched_with_its_origin_half_a_cell_further(amcl_map):
    publisher, out, _ = amcl_map
    publisher.publish(grid(0.05, -3.0, -2.0))
    (moved,) = out.wait_count(1, timeout=20)
    assert (moved.info.origin.position.x, moved.info.origin.position.y) == pytest.approx(
        (-2.975, -1.975)
    )
    assert list(moved.data) == [0, 100, -1, 0, 0, 100]
    assert (moved.info.width, moved.info.height) == (3, 2)
    assert moved.info.resolution == pytest.approx(0.05)  # float32 on the wire
    late = Recorder(OUT, OccupancyGrid)  # amcl may start after the map came: latched
    assert late.wait_count(1, timeout=20)[-1].info.origin.position.x == pytest.approx(-2.975)
    late.close()


def test_a_map_that_is_not_a_grid_is_not_passed_on_and_the_next_is(amcl_map):
    publisher, out, node = amcl_map
    publisher.publish(grid(0.0, 0.0, 0.0))
    wait_for(lambda: "not a grid" in node.output(), 20, "the refusal in amcl_map's log")
    assert out.snapshot() == [] and node.alive
    publisher.publish(grid(0.1, 1.0, 2.0, math.pi / 2))
    (moved,) = out.wait_count(1, timeout=20)
    assert (moved.info.origin.position.x, moved.info.origin.position.y) == pytest.approx(
        (0.95, 2.05)
    )
