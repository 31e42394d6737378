"""A board's /diagnostics entry is OK with state "up" while its link is up, even after the board
refused a command (the e-stop holding the wheels at start-up is normal; the refusal is the last
error), and ERROR with the reason once the link is lost.
"""

from __future__ import annotations

from diagnostic_msgs.msg import DiagnosticStatus
from fixtures.harness import wait_for

from terry.base.board import BaseBoard
from terry.link import transport
from terry.nodes.link_diagnostics import link_status


def test_a_refusal_while_up_is_a_value_and_a_loss_is_the_message(served_board):
    board = BaseBoard(str(served_board.link), 115200).start()
    try:
        assert board.link.wait_up(10), board.link.health.last_error
        board.estop(True)
        wait_for(lambda: board.command(1.0, 1.0) and board.link.health.nacks > 0, 10, "a refusal")
        status = link_status("base board", board.link)
        values = {kv.key: kv.value for kv in status.values}
        assert (status.level, values["state"]) == (DiagnosticStatus.OK, "up")
        assert "e-stop engaged" in values["last error"] and values["refused commands"] != "0"
        served_board.stop()
        wait_for(lambda: board.link.health.state == transport.LOST, 10, "the link to notice")
        status = link_status("base board", board.link)
        assert status.level == DiagnosticStatus.ERROR
        assert status.message == board.link.health.last_error and status.message != "lost"
    finally:
        board.close()
