"""Arm panel: a click on the workspace views publishes [x, y, z, claw] on /arm/xyzc (the page's
reachability check agrees with the IK's), an unreachable click publishes nothing and says so,
and moving a slider with smoothing on moves /joint_states smoothly."""

from __future__ import annotations

import json

import pytest
from fixtures.harness import Recorder, wait_for
from sensor_msgs.msg import JointState
from std_msgs.msg import Float32MultiArray, String

from terry.arm.kinematics import ArmKinematics
from terry.model import load_robot

ARM = ArmKinematics.from_robot(load_robot())


def page_target(page) -> list[float]:
    return [float(page.input_value(f"#arm-{k}")) for k in ("x", "y", "z", "claw")]


GRID = [(fx / 8, fy / 6) for fx in range(1, 8) for fy in range(1, 6)]


@pytest.mark.parametrize("view", ["#arm-side", "#arm-top"])
def test_click_publishes_reachable_targets_and_refuses_the_rest(rospy_node, page, view):
    """Clicks on a grid over the view: the page's verdict matches the IK's for every point;
    reachable ones are published as [x, y, z, claw], unreachable ones are not sent."""
    got = Recorder("/arm/xyzc", Float32MultiArray)
    try:
        wait_for(lambda: got.connected(), 20, "the page's /arm/xyzc publisher")
        box = page.locator(view).bounding_box()
        verdicts = []
        for fx, fy in GRID:
            before = len(got.snapshot())
            page.mouse.click(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
            x, y, z, claw = page_target(page)
            reachable = ARM.solve(x, y, z, claw).ok
            verdicts.append(reachable)
            shown = page.text_content("#arm-reach")
            assert shown.startswith("reachable" if reachable else "unreachable"), (x, y, z, shown)
            if reachable:
                messages = wait_for(lambda n=before: got.since(n), 10, f"/arm/xyzc {x, y, z}")
                assert messages[-1].data == pytest.approx([x, y, z, claw], abs=1e-6)
            else:
                assert page.is_disabled("#arm-send")
                page.wait_for_timeout(300)
                assert got.since(before) == [], f"unreachable {x, y, z} was sent"
        assert any(verdicts) and not all(verdicts), "the grid should hit both kinds of point"
    finally:
        got.close()


def test_slider_with_smoothing_moves_joint_states_smoothly(rospy_node, page):
    page.wait_for_function("document.getElementById('smooth').checked")
    page.evaluate(
        "() => { for (const [k, v] of [['x', 0.15], ['y', 0.0], ['z', 0.1]]) {"
        " document.getElementById('arm-' + k).value = v; }"
        " document.getElementById('arm-send').click(); }"
    )
    shoulder = Recorder("/joint_states", JointState)
    try:
        page.wait_for_timeout(3000)  # settle at the start point
        start = len(shoulder.snapshot())
        slider = page.locator("#arm-z")
        slider.evaluate("(el) => { el.value = 0.04; el.dispatchEvent(new Event('input')); }")
        assert page.text_content("#arm-reach") == "reachable"

        def angles() -> list[float]:
            out = []
            for msg in shoulder.since(start):
                if "arm_shoulder" in msg.name:
                    out.append(msg.position[msg.name.index("arm_shoulder")])
            return out

        def settled() -> bool:
            a = angles()
            return len(a) > 20 and abs(a[-1] - a[0]) > 0.05 and abs(a[-1] - a[-10]) < 1e-4

        wait_for(settled, 20, "the shoulder moving to the new height and settling")
        a = angles()
        total = abs(a[-1] - a[0])
        steps = [abs(b - c) for b, c in zip(a[1:], a[:-1], strict=False)]
        moving = [s for s in steps if s > 1e-5]
        assert len(moving) >= 8, f"moved in {len(moving)} steps: not smooth"
        assert max(steps) < 0.3 * total, f"a jump of {max(steps):.3f} of {total:.3f} rad"
    finally:
        shoulder.close()


GREEN = "[40,90,60,255]"  # the workspace's shade (as JSON.stringify writes it)


def green_pixels(page, view: str) -> list[tuple[float, float]]:
    """Fractions (x, y) of the view's width and height where the workspace is shaded."""
    return page.evaluate(
        f"""() => {{ const c = document.querySelector('{view}'), g = c.getContext('2d');
        const d = g.getImageData(0, 0, c.width, c.height).data, out = [];
        for (let y = 2; y < c.height; y += 8) for (let x = 2; x < c.width; x += 8) {{
          const i = (y * c.width + x) * 4;
          if (JSON.stringify(Array.from(d.slice(i, i + 4))) === '{GREEN}')
            out.push([x / c.width, y / c.height]); }}
        return out; }}"""
    )


def set_target(page, x: float, y: float, z: float) -> None:
    page.evaluate(
        f"""() => {{ for (const [k, v] of [['x', {x}], ['y', {y}], ['z', {z}]]) {{
          const el = document.getElementById('arm-' + k); el.value = v; }}
          document.getElementById('arm-x').dispatchEvent(new Event('input')); }}"""
    )


def test_every_green_point_of_the_side_view_is_reachable_at_any_yaw(rospy_node, page):
    """The side view is the plane at the target's yaw: turned sideways, a click on green is a
    target the IK node accepts; with the target behind the arm (x < 0, beyond the yaw limits)
    the side view has no green at all."""
    status = Recorder("/arm/ik_status", String)
    try:
        set_target(page, -0.1, 0.05, 0.1)
        assert not ARM.solve(-0.1, 0.05, 0.1).ok
        assert green_pixels(page, "#arm-side") == [], "green where nothing is reachable"
        assert green_pixels(page, "#arm-top"), "the top view still shows the workspace"
        set_target(page, 0.05, 0.13, 0.1)  # yaw about 1.2 rad
        greens = green_pixels(page, "#arm-side")
        assert len(greens) > 20
        box = page.locator("#arm-side").bounding_box()
        for fx, fy in greens[:: max(1, len(greens) // 12)]:
            before = len(status.snapshot())
            page.mouse.click(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
            x, y, z, claw = page_target(page)
            assert ARM.solve(x, y, z, claw).ok, (x, y, z)
            answer = wait_for(lambda n=before: status.since(n), 10, "arm_ik's answer")[-1]
            assert json.loads(answer.data)["ok"], answer.data
    finally:
        status.close()
