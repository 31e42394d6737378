"""The Tuning panel: a form for each dynamic_reconfigure server (the pan_tilt and base_controller
nodes' motor gains and limits), built from the node's own description. A value typed there
reaches the node (judged with dynamic_reconfigure's own client), a value beyond the node's range
is refused and changes nothing, and a change made from ROS shows on the page."""

from __future__ import annotations

import pytest
from dynamic_reconfigure.client import Client
from fixtures.harness import wait_for


@pytest.fixture
def pan_tilt(rospy_node):
    client = Client("/pan_tilt", timeout=60)
    yield client
    client.close()


def field(page, node: str, param: str):
    return page.locator(f'#tuning fieldset[data-node="{node}"] input[data-param="{param}"]')


def type_into(page, node: str, param: str, value: float) -> None:
    box = field(page, node, param)
    box.fill(repr(value))
    box.press("Enter")  # a number field's change event
    box.blur()


def test_both_motor_nodes_get_a_form_from_their_own_description(page, pan_tilt):
    page.wait_for_selector("#tuning-panel:not([hidden])", timeout=60_000)
    for node, motor in (("/pan_tilt", "pan"), ("/base_controller", "wheel")):
        for param in ("kp", "ki", "kd", "max_speed", "max_accel"):
            field(page, node, f"{motor}_{param}").wait_for(timeout=30_000)
    ceiling = next(
        p for p in pan_tilt.get_parameter_descriptions() if p["name"] == "pan_max_speed"
    )["max"]
    assert float(field(page, "/pan_tilt", "pan_max_speed").get_attribute("max")) == ceiling


def test_a_gain_typed_on_the_page_reaches_the_node_and_a_refused_one_changes_nothing(
    page, pan_tilt
):
    page.wait_for_selector('#tuning fieldset[data-node="/pan_tilt"] input[data-param=pan_kp]')
    before = pan_tilt.get_configuration(timeout=10)
    wanted = before["pan_kp"] * 0.8
    type_into(page, "/pan_tilt", "pan_kp", wanted)
    wait_for(
        lambda: abs(pan_tilt.get_configuration(timeout=10)["pan_kp"] - wanted) < 1e-6,
        20,
        "pan_kp from the page at the node",
    )
    page.wait_for_selector('#tuning input[data-param=pan_kp] + output[data-state="set"]')

    ceiling = float(field(page, "/pan_tilt", "pan_max_speed").get_attribute("max"))
    speed = pan_tilt.get_configuration(timeout=10)["pan_max_speed"]
    type_into(page, "/pan_tilt", "pan_max_speed", ceiling * 2)
    page.wait_for_selector('#tuning input[data-param=pan_max_speed] + output[data-state="refused"]')
    assert pan_tilt.get_configuration(timeout=10)["pan_max_speed"] == pytest.approx(speed)
    assert pan_tilt.get_configuration(timeout=10)["pan_kp"] == pytest.approx(wanted)


def test_a_change_made_from_ros_shows_on_the_page(page, pan_tilt):
    box = field(page, "/pan_tilt", "pan_ki")
    box.wait_for(timeout=60_000)
    wanted = pan_tilt.get_configuration(timeout=10)["pan_ki"] * 0.5
    pan_tilt.update_configuration({"pan_ki": wanted})
    wait_for(
        lambda: abs(float(box.get_attribute("data-value") or "nan") - wanted) < 1e-6,
        20,
        "pan_ki set from ROS shown on the page",
    )
