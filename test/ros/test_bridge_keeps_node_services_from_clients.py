"""A client cannot take over a node's service (Terry's, even before its node is up, or any a
node provides), nor one another client offers; the node keeps answering, before and after the
hostile client leaves. Clients offer only names in client_services_glob (/client/*)."""

from __future__ import annotations

import json

import pytest
import roslibpy
from fixtures.harness import wait_for
from std_srvs.srv import SetBool, Trigger, TriggerResponse
from websockets.sync.client import connect


def offer(ws, service: str, type_name: str = "std_srvs/Trigger") -> str | None:
    """advertise_service from a raw client: the refusal's text, or None if accepted."""
    ws.send(json.dumps({"op": "set_level", "level": "error"}))
    ws.send(
        json.dumps({"op": "advertise_service", "id": "a", "service": service, "type": type_name})
    )
    ws.send(json.dumps({"op": "call_service", "id": "sync", "service": "/rosapi/get_time"}))
    while True:
        reply = json.loads(ws.recv(timeout=30))
        if reply.get("id") == "a":
            return reply["msg"]
        if reply.get("id") == "sync":
            return None


@pytest.mark.parametrize(
    ("service", "type_name"),
    [("/arm/relax", "std_srvs/Trigger"), ("/arm/smooth/set_enabled", "std_srvs/SetBool")],
)
def test_terrys_services_cannot_be_taken_before_or_while_their_node_runs(
    bridge, client, rospy_node, service, type_name
):
    with connect(bridge, open_timeout=20) as hostile:  # before the node is up
        assert f"clients may not offer {service}" in offer(hostile, service, type_name)
    srv = Trigger if type_name == "std_srvs/Trigger" else SetBool
    node = rospy_node.Service(service, srv, lambda _: srv._response_class(True, "the node"))
    try:
        with connect(bridge, open_timeout=20) as hostile:  # while it runs
            assert f"clients may not offer {service}" in offer(hostile, service, type_name)
        # after the hostile client left, the node still answers, through the bridge and in ROS
        answer = roslibpy.Service(client(bridge), service, type_name).call(
            roslibpy.ServiceRequest({}), timeout=20
        )
        assert answer["message"] == "the node"
        assert rospy_node.ServiceProxy(service, srv)().message == "the node"
    finally:
        node.shutdown()


def test_a_clients_name_that_a_node_provides_is_refused(bridge, rospy_node):
    service = "/client/node_owned"
    node = rospy_node.Service(service, Trigger, lambda _: TriggerResponse(True, "node"))
    try:
        with connect(bridge, open_timeout=20) as hostile:
            assert "already provided by another node or client" in offer(hostile, service)
        assert rospy_node.ServiceProxy(service, Trigger)().message == "node"
    finally:
        node.shutdown()


def test_a_service_outside_client_services_glob_is_refused(bridge, rospy_node):
    with connect(bridge, open_timeout=20) as hostile:
        assert "clients may not offer /bridge_test/mine" in offer(hostile, "/bridge_test/mine")
    with pytest.raises(rospy_node.ROSException):
        rospy_node.wait_for_service("/bridge_test/mine", timeout=1)


def test_a_client_cannot_take_another_clients_service(bridge, rospy_node):
    service = "/client/first_come"
    with connect(bridge, open_timeout=20) as first:
        assert offer(first, service) is None
        with connect(bridge, open_timeout=20) as second:
            assert "already provided" in offer(second, service)

    def offered_by_a_later_client() -> bool:
        with connect(bridge, open_timeout=20) as later:
            return offer(later, service) is None

    wait_for(offered_by_a_later_client, 30, "the name free again once the first client left")
