"""Draw docs/smoothing.png: position and velocity of one joint for a linear and a sinusoidal
move, for a multi-point trajectory (stop at each waypoint vs pass through) and for a target
changed mid-motion. Run: .venv/bin/python tools/plot_smoothing.py"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from terry.arm.smoothing import PASS_THROUGH, STOP, Plan, Smoother, parse_command
from terry.model import ARM_JOINTS, load_robot
from terry.paths import package_file

JOINT = "arm_elbow"
STEP = 0.005  # s


def trace(plan: Plan, until: float, before: Plan | None = None):
    """Times, positions and velocities of JOINT; `before` runs until `plan` takes over."""
    index = plan.names.index(JOINT)
    times = [i * STEP for i in range(int(until / STEP) + 1)]
    samples = [(before if before and t < plan.start else plan).sample(t) for t in times]
    return times, [p[index] for p, _ in samples], [v[index] for _, v in samples]


def linear(start: float, goal: float, duration: float, until: float):
    times = [i * STEP for i in range(int(until / STEP) + 1)]
    speed = (goal - start) / duration
    return (
        times,
        [start + speed * min(t, duration) for t in times],
        [speed if t < duration else 0.0 for t in times],
    )


def main() -> None:
    robot = load_robot()
    smoother = Smoother({name: robot.joint(name) for name in ARM_JOINTS})
    rest = smoother.hold(0.0, {JOINT: 0.0})
    joints = smoother.joints

    def go(points, mode=STOP, plan=rest, at=0.0):
        return smoother.splice(plan, at, parse_command([JOINT], points, joints), mode)

    single = go([(1.5, [-1.5])])
    waypoints = [(1.0, [-0.6]), (2.0, [-1.2]), (3.0, [-1.5])]
    first = go([(1.5, [-1.5])])
    retarget = go([(0.7, [-0.3])], plan=first, at=0.6)
    panels = [
        (
            "one move, 1.5 s",
            [("linear", linear(0.0, -1.5, 1.5, 2.0)), ("sinusoidal", trace(single, 2.0))],
        ),
        (
            "three waypoints",
            [
                ("stop at each", trace(go(waypoints, STOP), 3.5)),
                ("pass through", trace(go(waypoints, PASS_THROUGH), 3.5)),
            ],
        ),
        (
            "new target at 0.6 s",
            [
                ("first target only", trace(first, 2.0)),
                ("retargeted", trace(retarget, 2.0, before=first)),
            ],
        ),
    ]
    figure, axes = plt.subplots(2, 3, figsize=(12, 6), sharex="col")
    for column, (title, lines) in enumerate(panels):
        for label, (times, positions, velocities) in lines:
            axes[0][column].plot(times, positions, label=label)
            axes[1][column].plot(times, velocities, label=label)
        axes[0][column].set_title(title)
        axes[1][column].set_xlabel("time (s)")
        axes[0][column].legend(fontsize="small")
    axes[0][0].set_ylabel(f"{JOINT} position (rad)")
    axes[1][0].set_ylabel("velocity (rad/s)")
    for axis in axes.flat:
        axis.grid(alpha=0.3)
    figure.tight_layout()
    target = package_file("docs", "smoothing.png")
    figure.savefig(target, dpi=80)
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
