"""Unplugging the Maestro (the simulated board's process ends and its port disappears) is reported
on /diagnostics naming the port; plugged back in, the driver reconnects by itself."""

from __future__ import annotations

from fixtures.harness import wait_for


def test_unplugged_board_is_reported_and_reconnected_without_restart(arm, ros_process):
    assert ros_process("rosnode", "kill", "/sim_maestro").wait(60) == 0
    wait_for(lambda: arm.link_state()["connected"] == "False", 20, "diagnostics: disconnected")
    state = arm.link_state()
    assert arm.link in state["message"], state
    assert "unplugged" in state["message"] or "cannot open" in state["message"], state
    ros_process("rosrun", "terry", "sim_maestro", f"_link:={arm.link}")
    wait_for(lambda: arm.link_state()["connected"] == "True", 30, "diagnostics: reconnected")
    assert arm.link_state()["reconnects"] == "1"
    arm.go(1.1)
