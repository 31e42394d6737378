"""The timing module refuses bad commands with a reason a user can act on."""

from __future__ import annotations

import math

import pytest

from terry.arm.smoothing import CommandError, parse_command
from terry.model import ARM_JOINTS, load_robot

JOINTS = {name: load_robot().joint(name) for name in ARM_JOINTS}


@pytest.mark.parametrize(
    ("names", "points", "reason"),
    [
        (["arm_knee"], [(1.0, [0.1])], "unknown joints"),
        (["arm_elbow", "arm_elbow"], [(1.0, [0.1, 0.1])], "repeat"),
        (["arm_elbow", "arm_wrist"], [(1.0, [0.1])], "1 positions for 2 joints"),
        (["arm_elbow"], [(1.0, [0.1]), (1.0, [0.2])], "must increase"),
        (["arm_elbow"], [(2.0, [0.1]), (1.0, [0.2])], "must increase"),
        (["arm_elbow"], [(0.0, [0.1]), (0.0, [0.2])], "give each point a time"),
        (["arm_elbow"], [(-1.0, [0.1])], "finite and >= 0"),
        (["arm_elbow"], [(math.nan, [0.1])], "finite and >= 0"),
        (["arm_elbow"], [(1.0, [math.nan])], "position is nan"),
        (["arm_elbow"], [(1.0, [math.inf])], "position is inf"),
        (["arm_elbow"], [(1.0, [3.0])], "outside its URDF limits"),
        (["arm_elbow"], [], "no points"),
    ],
)
def test_bad_command_is_refused_with_its_reason(names, points, reason):
    with pytest.raises(CommandError, match=reason):
        parse_command(names, points, JOINTS)


def test_good_command_is_accepted_as_given():
    command = parse_command(["arm_wrist", "arm_elbow"], [(0.5, [0.2, -0.3])], JOINTS)
    assert command.names == ("arm_wrist", "arm_elbow")
    assert command.times == (0.5,)
    assert command.points == ((0.2, -0.3),)
