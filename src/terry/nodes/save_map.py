"""The save_map node: a "save the map now" service for mapping, for the dashboard's Save map
button and for `rosservice call /save_map`.

Service: save_map (std_srvs/Trigger): saves the next message on `map` with map_saver to
~map_file.yaml/.pgm (the message says where, or why not). Params: ~map_file (default
~/maps/terry). Saving: terry.nav.map_saver.
"""

from __future__ import annotations

import threading
from pathlib import Path

import rospy
from std_srvs.srv import Trigger, TriggerResponse

from terry.nav.map_saver import MapSaveError, save_map
from terry.nodes.startup import start

MAP_TOPIC = "map"
SERVICE = "save_map"


class SaveMapNode:
    def __init__(self) -> None:
        self.map_file = str(rospy.get_param("~map_file", str(Path.home() / "maps" / "terry")))
        if not self.map_file:
            raise ValueError("~map_file must name a file (without .yaml)")
        self._busy = threading.Lock()
        rospy.Service(SERVICE, Trigger, self._save)

    def _save(self, _request) -> TriggerResponse:
        if not self._busy.acquire(blocking=False):
            return TriggerResponse(False, "already saving the map")
        try:
            saved = save_map(rospy.resolve_name(MAP_TOPIC), self.map_file)
        except MapSaveError as error:
            rospy.logerr(f"save_map: {error}")
            return TriggerResponse(False, str(error))
        finally:
            self._busy.release()
        rospy.loginfo(f"save_map: saved {saved}")
        return TriggerResponse(True, str(saved))


def main() -> None:
    start("save_map", SaveMapNode)
    rospy.spin()
