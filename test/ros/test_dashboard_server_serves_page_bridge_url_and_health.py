"""dashboard.launch: the page, where the bridge is (usable by roslibpy as given), health, tokens,
and a clean stop on Ctrl-C."""

from __future__ import annotations

import json
import signal
import urllib.error
import urllib.request

import pytest
from fixtures.harness import free_port, wait_for


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()
    except OSError:
        return 0, ""


def launch_dashboard(roslaunch, **args):
    http, bridge = free_port(), free_port()
    process = roslaunch("dashboard.launch", http_port=http, bridge_port=bridge, **args)
    wait_for(lambda: get(f"http://127.0.0.1:{http}/health")[0] == 200, 60, "healthy dashboard")
    return process, http, bridge


def test_page_bridge_url_and_health_then_a_clean_stop(roslaunch, client, rospy_node):
    process, http, bridge = launch_dashboard(roslaunch)
    status, page = get(f"http://127.0.0.1:{http}/")
    assert status == 200 and "<html" in page
    status, body = get(f"http://127.0.0.1:{http}/bridge.json")
    assert json.loads(body) == {"url": f"ws://127.0.0.1:{bridge}/", "token": None}
    ros = client(json.loads(body)["url"])
    assert "/client_count" in ros.get_topics()
    health = json.loads(get(f"http://127.0.0.1:{http}/health")[1])
    assert health["ros"] is True and health["bridge"] is True
    assert get(f"http://127.0.0.1:{http}/../package.xml")[0] == 404
    ros.close()
    process.signal_group(signal.SIGINT)
    assert process.wait(30) == 0
    assert get(f"http://127.0.0.1:{http}/health")[0] == 0


def test_with_a_token_pages_need_it_and_the_bridge_url_carries_it(roslaunch, client, rospy_node):
    _, http, bridge = launch_dashboard(roslaunch, address="0.0.0.0", token="t0ken")
    assert get(f"http://127.0.0.1:{http}/")[0] == 403
    assert get(f"http://127.0.0.1:{http}/bridge.json?token=wrong")[0] == 403
    status, body = get(f"http://127.0.0.1:{http}/bridge.json?token=t0ken")
    assert status == 200
    url = json.loads(body)["url"]
    assert url == f"ws://127.0.0.1:{bridge}/?token=t0ken"
    assert "/client_count" in client(url).get_topics()


@pytest.mark.parametrize("host", ["evil.example", "192.0.2.1"])
def test_without_a_token_only_loopback_names_are_answered(roslaunch, host, rospy_node):
    _, http, _ = launch_dashboard(roslaunch)
    request = urllib.request.Request(f"http://127.0.0.1:{http}/bridge.json", headers={"Host": host})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 403


def test_non_loopback_address_without_token_refuses_to_start(ros_process, monkeypatch):
    monkeypatch.delenv("TERRY_TOKEN", raising=False)
    process = ros_process("rosrun", "terry", "dashboard_server", "--address", "0.0.0.0")
    assert process.wait(60) != 0
    assert "without an access token" in process.output()


def test_health_says_so_when_ros_and_the_bridge_are_down(ros_process):
    http = free_port()
    dead = f"http://localhost:{free_port()}/"
    ros_process(
        "rosrun",
        "terry",
        "dashboard_server",
        "--port",
        str(http),
        "--bridge-port",
        str(free_port()),
        env={"ROS_MASTER_URI": dead},
    )
    wait_for(lambda: get(f"http://127.0.0.1:{http}/health")[0], 60, "the dashboard answering")
    status, body = get(f"http://127.0.0.1:{http}/health")
    assert status == 503
    assert json.loads(body) == {"ros": False, "bridge": False, "master_uri": dead}
