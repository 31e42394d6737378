"""Against a real master, the doctor reports it answering and this machine's clock in step."""

from __future__ import annotations

import os

from terry.bringup import system
from terry.bringup.findings import OK


def test_the_doctor_finds_a_running_master_and_no_clock_skew(ros_master):
    uri = os.environ["ROS_MASTER_URI"]
    found = {f.check: f for f in system.master(uri)}
    assert found["master"].level == OK and "answering" in found["master"].text
    assert found["clock"].level == OK, found["clock"]
