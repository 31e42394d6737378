"""A client's service ops, in-process on a recording ROS side: call_service, the services a
client offers (advertise_service, service_response, unadvertise_service), set_level."""

from __future__ import annotations

from terry.bridge.protocol import BridgeError


def test_call_service_answers_with_the_response_and_the_callers_id(in_process):
    t = in_process()
    t.ros.answers["/s"] = {"success": True}
    t.op(op="call_service", id="c1", service="/s", args={"data": True})
    assert t.sent() == [
        {
            "op": "service_response",
            "service": "/s",
            "values": {"success": True},
            "id": "c1",
            "result": True,
        }
    ]
    assert t.ros.calls == [("call_service", "/s", {"data": True}, 10.0)]


def test_call_service_passes_the_clients_timeout_and_caps_it(in_process):
    t = in_process()
    t.op(op="call_service", service="/s", timeout=2.5)
    t.op(op="call_service", service="/s", timeout=1e6)
    t.op(op="call_service", service="/s", timeout="soon")  # not a number: the default
    assert [call[3] for call in t.ros.calls] == [2.5, 300.0, 10.0]


def test_a_failed_call_is_answered_with_result_false_and_the_reason(in_process):
    t = in_process()
    t.ros.answers["/s"] = BridgeError("service /s does not exist")
    t.op(op="call_service", id=4, service="/s")
    reply = t.sent()[0]
    assert reply["id"] == 4 and reply["result"] is False
    assert reply["values"] == "service /s does not exist"


def test_pending_calls_are_bounded_per_client(in_process):
    t = in_process(max_pending_service_calls=2)
    t.executor.hold = True
    for i in range(3):
        t.op(op="call_service", id=f"c{i}", service="/slow")
    assert len(t.executor.held) == 2
    refused = t.sent()
    assert [r["id"] for r in refused] == ["c2"] and refused[0]["result"] is False
    future, fn, args = t.executor.held[0]
    future.set_result(fn(*args))
    assert t.sent()[0]["id"] == "c0"
    t.op(op="call_service", id="c3", service="/slow")
    assert len(t.executor.held) == 3


def test_a_service_offered_by_the_client_is_asked_and_its_answer_returned(in_process):
    t = in_process()
    t.op(op="advertise_service", service="/client/trigger", type="std_srvs/Trigger")
    assert t.ros.calls == [("advertise_service", "/client/trigger", "std_srvs/Trigger")]
    future = t.ros.offered["/client/trigger"]({})  # a ROS node calls it
    request = t.sent()[0]
    assert request["op"] == "call_service" and request["service"] == "/client/trigger"
    t.op(op="service_response", id=request["id"], values={"success": True}, result=True)
    assert future.result(timeout=1) == {"success": True}


def test_a_client_answering_result_false_fails_the_ros_call(in_process):
    t = in_process()
    t.op(op="advertise_service", service="/client/trigger", type="std_srvs/Trigger")
    future = t.ros.offered["/client/trigger"]({})
    t.op(op="service_response", id=t.sent()[0]["id"], values="nope", result=False)
    assert "the client failed: nope" in str(future.exception(timeout=1))


def test_unadvertising_a_service_fails_the_requests_waiting_for_it(in_process):
    t = in_process()
    t.op(op="advertise_service", service="/client/trigger", type="std_srvs/Trigger")
    future = t.ros.offered["/client/trigger"]({})
    t.op(op="unadvertise_service", service="/client/trigger")
    assert "provider left" in str(future.exception(timeout=1))
    assert t.ros.calls[-1] == ("unadvertise_service", "/client/trigger")


def test_a_response_to_no_request_is_an_error_and_changes_nothing(in_process):
    t = in_process()
    t.op(op="set_level", level="error")
    t.op(op="service_response", id="made-up", values={})
    assert t.sent()[0]["msg"] == "service_response for no pending request"


def test_a_client_that_leaves_withdraws_its_services(in_process):
    t = in_process()
    t.op(op="advertise_service", service="/client/trigger", type="std_srvs/Trigger")
    future = t.ros.offered["/client/trigger"]({})
    t.session.close()
    assert t.ros.offered == {}
    assert future.exception(timeout=1) is not None
