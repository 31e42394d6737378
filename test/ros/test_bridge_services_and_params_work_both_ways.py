"""Service calls both ways through the bridge, parameters and graph introspection (rosapi)."""

from __future__ import annotations

import pytest
import roslibpy
from fixtures.harness import wait_for
from std_srvs.srv import SetBool, SetBoolResponse, Trigger


def test_roslibpy_calls_a_rospy_service(bridge, client, rospy_node):
    calls = []

    def handle(request):
        calls.append(request.data)
        return SetBoolResponse(success=request.data, message=f"set {request.data}")

    service = rospy_node.Service("/bridge_test/set", SetBool, handle)
    proxy = roslibpy.Service(client(bridge), "/bridge_test/set", "std_srvs/SetBool")
    response = proxy.call(roslibpy.ServiceRequest({"data": True}), timeout=20)
    assert response["success"] is True
    assert response["message"] == "set True"
    assert calls == [True]
    service.shutdown()


def test_rospy_calls_a_service_offered_by_roslibpy(bridge, client, rospy_node):
    def handle(request, response):
        response["success"] = True
        response["message"] = "triggered from roslibpy"
        return True

    offered = roslibpy.Service(client(bridge), "/client/bridge_test/trigger", "std_srvs/Trigger")
    offered.advertise(handle)
    rospy_node.wait_for_service("/client/bridge_test/trigger", timeout=20)
    response = rospy_node.ServiceProxy("/client/bridge_test/trigger", Trigger)()
    assert response.success is True
    assert response.message == "triggered from roslibpy"


def test_a_missing_service_fails_the_call_with_a_reason(bridge, client, rospy_node):
    proxy = roslibpy.Service(client(bridge), "/bridge_test/nobody", "std_srvs/Trigger")
    with pytest.raises(Exception, match="does not exist"):
        proxy.call(roslibpy.ServiceRequest({}), timeout=20)


@pytest.mark.parametrize("value", [3, 2.5, "text", [1, 2, 3], {"gain": 0.5, "on": True}])
def test_params_set_from_roslibpy_reach_ros_and_back(value, bridge, client, rospy_node):
    ros = client(bridge)
    param = roslibpy.Param(ros, "/bridge_test/param")
    param.set(value, timeout=20)
    assert rospy_node.get_param("/bridge_test/param") == value
    rospy_node.set_param("/bridge_test/other", value)
    assert roslibpy.Param(ros, "/bridge_test/other").get(timeout=20) == value


def test_get_topics_and_services_list_the_graph(bridge, bridge_port, client, rospy_node):
    publisher = rospy_node.Publisher("/bridge_test/listed", SetBool._request_class, queue_size=1)
    ros = client(bridge)
    topics = wait_for(
        lambda: "/bridge_test/listed" in ros.get_topics() and ros.get_topics(), 20, "topic listed"
    )
    assert "/client_count" in topics
    assert ros.get_topic_type("/bridge_test/listed") == "std_srvs/SetBoolRequest"
    assert f"/rosbridge_{bridge_port}/get_loggers" in ros.get_services()
    assert f"/rosbridge_{bridge_port}" in ros.get_nodes()
    publisher.unregister()


def test_message_details_describe_nested_types(bridge, client, rospy_node):
    typedefs = client(bridge).get_message_details("sensor_msgs/Imu")["typedefs"]
    imu = typedefs[0]
    assert imu["type"] == "sensor_msgs/Imu"
    assert imu["fieldtypes"][imu["fieldnames"].index("orientation_covariance")] == "float64"
    assert imu["fieldarraylen"][imu["fieldnames"].index("orientation_covariance")] == 9
    assert {"std_msgs/Header", "geometry_msgs/Quaternion"} <= {t["type"] for t in typedefs}


def test_concurrent_rosapi_calls_all_succeed(bridge, client, rospy_node):
    rospy_node.set_param("/bridge_test/concurrent", 42)
    ros = client(bridge)
    results, failures = [], []
    for _ in range(10):
        ros.get_topics(callback=results.append, errback=failures.append)
        ros.get_param("/bridge_test/concurrent", callback=results.append, errback=failures.append)
    wait_for(lambda: len(results) + len(failures) == 20, 30, "20 answers")
    assert failures == []
    assert results.count(42) == 10
