"""Clients are untrusted, in-process: a topic keeps the graph's type (Terry's declared table or
the master's), a client cannot offer a node's service, and per-client limits hold."""

from __future__ import annotations

import pytest
from std_msgs.msg import Bool

TERRY = {"/estop": "std_msgs/Bool", "/cmd_vel": "geometry_msgs/Twist"}


def statuses(t) -> list[str]:
    return [r["msg"] for r in t.sent() if r["op"] == "status"]


@pytest.mark.parametrize(
    ("topic", "wrong"),
    [("/estop", "std_msgs/String"), ("/cmd_vel", "std_msgs/Empty"), ("/known", "std_msgs/Int32")],
)
@pytest.mark.parametrize("op", ["advertise", "subscribe"])
def test_another_type_than_the_graphs_is_refused(in_process, topic, wrong, op):
    t = in_process(terry_topics=TERRY)
    t.ros.types["/known"] = "std_msgs/String"
    t.op(op="set_level", level="error")
    t.op(op=op, topic=topic, type=wrong)
    assert statuses(t) == [
        f"{topic} is {TERRY.get(topic, 'std_msgs/String')} in the ROS graph, not {wrong}"
    ]
    assert t.ros.calls == []


def test_the_declared_type_is_used_before_its_node_is_up(in_process):
    t = in_process(terry_topics=TERRY)
    t.op(op="publish", topic="/estop", msg={"data": True})  # no advertise, no node yet
    t.op(op="subscribe", topic="/cmd_vel")
    assert t.ros.published == [("/estop", Bool(data=True))]
    assert t.ros.calls == [
        ("advertise", "/estop", "std_msgs/Bool", False, 100),
        ("subscribe", "/cmd_vel", "geometry_msgs/Twist"),
    ]


@pytest.mark.parametrize(
    ("service", "reason"),
    [
        ("/arm/relax", "clients may not offer /arm/relax"),  # Terry's, even before its node
        ("/client/taken", "already provided by another node or client"),
        ("/anything/else", "clients may not offer /anything/else"),
    ],
)
def test_a_client_cannot_offer_a_nodes_service(in_process, service, reason):
    t = in_process(terry_services={"/arm/relax": "std_srvs/Trigger"})
    t.ros.services.add("/client/taken")
    t.op(op="set_level", level="error")
    t.op(op="advertise_service", service=service, type="std_srvs/Trigger")
    assert reason in statuses(t)[0]
    assert t.ros.calls == []


def test_graph_changes_are_rate_limited_per_client(in_process):
    t = in_process(graph_ops_per_second=1)  # bursts of 4
    t.op(op="set_level", level="error")
    for i in range(10):
        t.op(op="subscribe", topic=f"/churn{i}")
    assert len(t.session.topics.subscriptions) == 4
    assert len(statuses(t)) == 6
    t.op(op="call_service", service="/rosapi/get_time")  # other ops are not limited
    assert t.ros.calls[-1][0] == "call_service"


def test_advertised_topics_and_offered_services_are_capped(in_process):
    t = in_process(max_publishers_per_client=2, max_services_per_client=1)
    t.op(op="set_level", level="error")
    for i in range(3):
        t.op(op="advertise", topic=f"/p{i}", type="std_msgs/Int32")
    for i in range(2):
        t.op(op="advertise_service", service=f"/client/s{i}", type="std_srvs/Trigger")
    assert statuses(t) == [
        "too many advertised topics for one client",
        "too many services offered by one client",
    ]
