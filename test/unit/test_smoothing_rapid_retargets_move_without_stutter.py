"""A dashboard slider sends 30 commands a second: spliced one after another, the commanded
motion stays continuous and within limits, never stops or turns back while the slider keeps
moving one way, and ends at the slider's last value."""

from __future__ import annotations

import math
from itertools import pairwise

import pytest

from terry.arm.smoothing import MODES, Smoother, parse_command
from terry.model import ARM_JOINTS, load_robot

JOINTS = {name: load_robot().joint(name) for name in ARM_JOINTS}
WRIST = ARM_JOINTS.index("arm_wrist")


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("move_time", [0.0, 0.2])  # as fast as allowed; a client's own time
@pytest.mark.parametrize("slider_speed", [0.5, 1.5, 4.0])  # rad/s, the last beyond the limit
def test_slider_retargets_give_smooth_motion(mode, move_time, slider_speed):
    smoother = Smoother(JOINTS)
    plan = smoother.hold(0.0, {"arm_wrist": -1.2})
    slide = 2.0 / slider_speed  # the slider goes from -1.2 to 0.8 rad
    commands = [k / 30 for k in range(int(slide * 30) + 1)]
    samples, next_command, t = [], 0, 0.0
    while t < slide + 5.0:
        while next_command < len(commands) and commands[next_command] <= t:
            at = commands[next_command]
            target = min(-1.2 + slider_speed * at, 0.8)
            command = parse_command(["arm_wrist"], [(move_time, [target])], JOINTS)
            plan = smoother.splice(plan, at, command, mode)
            next_command += 1
        position, velocity = plan.sample(t)
        samples.append((t, position[WRIST], velocity[WRIST]))
        t += 0.02  # the shim's 50 Hz stream
    limit = JOINTS["arm_wrist"].velocity
    assert samples[-1][1] == pytest.approx(0.8, abs=1e-9)
    for (_, p0, v0), (_, p1, v1) in pairwise(samples):
        assert p1 >= p0 - 1e-12  # never turns back
        assert abs(v1) <= limit * (1 + 1e-9)
        assert abs(p1 - p0) <= limit * 0.02 * (1 + 1e-9)
        assert abs(v1 - v0) <= smoother.max_acceleration * 0.02 * 1.01 + 1e-9  # no jolt
    moving = [v for t, p, v in samples if 0.3 < t < slide and p < 0.7]
    assert min(moving) > 0.2 * min(slider_speed, limit), min(moving)  # no stop-and-go
    assert not math.isnan(sum(v for _, _, v in samples))
