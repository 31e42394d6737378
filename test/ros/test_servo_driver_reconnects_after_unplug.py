"""Unplugging the Maestro (the simulated board's process ends and its port disappears) is reported
in the driver's log naming the port; plugged back in (roslaunch respawns the simulated board), the
driver reconnects by itself and the arm moves again."""

from __future__ import annotations

from fixtures.harness import Recorder, wait_for


def test_unplugged_board_is_reported_and_reconnected_without_restart(arm, ros_process):
    from rosgraph_msgs.msg import Log

    errors = Recorder(
        "/rosout", Log, accept=lambda m: m.name == "/servo_driver" and m.level >= Log.ERROR
    )
    try:
        assert ros_process("rosnode", "kill", "/sim_maestro").wait(60) == 0
        reports = wait_for(
            lambda: [m.msg for m in errors.snapshot() if arm.link in m.msg],
            30,
            "the driver reporting the unplugged port",
        )
        assert "unplugged" in reports[0] or "cannot open" in reports[0], reports
        wait_for(
            lambda: (
                arm.link_state()["connected"] == "True" and arm.link_state()["reconnects"] != "0"
            ),
            60,
            "diagnostics: reconnected",
        )
        arm.go(1.1)
    finally:
        errors.close()
