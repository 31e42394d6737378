#!/usr/bin/env python3
"""Throughput and latency of a rosbridge v2 server: roslibpy on one side, rospy on the other.

    bench/bridge.py [ws://host:port/?token=...]   (ROS_MASTER_URI must point at its master)
    bench/bridge.py                               (starts a roscore and Terry's bridge itself)

Small messages: std_msgs/Float32MultiArray[4] (/arm/xyzc); large: a 640-point LaserScan.
Directions: roslibpy -> rospy, rospy -> roslibpy (rospy in a process of its own, so that the two
client libraries do not share one GIL), and the round trip roslibpy -> ROS -> roslibpy.
The peer run in the same process is the client library's own ceiling: roslibpy against a
WebSocket endpoint that only counts (or only sends prepared frames), so the ratio shows how much
of the client's speed a bridge leaves. The reference server's figures (rosbridge_suite 0.11.17 on
this kind of machine, from shared notes) are printed beside ours.

Then hostile clients, as issue #11 tried them (bridges on this machine only: the bridge's memory is
read from /proc): stalled subscribers asking 1-character fragments and endless queues on a 20 kB
flood, a subscribe/unsubscribe churner, calls piling up on a client's silent service. Printed: the
bridge's memory per stalled client, and the round trip an honest client sees, quiet and under
attack. (Over 300 lines: one benchmark, its peers and its hostile clients, run as one script.)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("ROSLIBPY_TRANSPORT", "asyncio")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "test"))

import rosgraph  # noqa: E402
import roslibpy  # noqa: E402
import rospy  # noqa: E402
from sensor_msgs.msg import LaserScan  # noqa: E402
from std_msgs.msg import Float32MultiArray, String  # noqa: E402
from websockets.asyncio.server import serve  # noqa: E402

from terry.bridge.convert import dumps, to_json  # noqa: E402

REFERENCE = {"to_ros": (4600, 5100), "from_ros": (2600, 4500), "rtt_median_ms": 1.0}
SCAN_POINTS = 640


def small(i: int) -> Float32MultiArray:
    return Float32MultiArray(data=[0.15, 0.05, 0.10, float(i)])


def large(i: int) -> LaserScan:
    scan = LaserScan(angle_min=-0.5, angle_max=0.5, angle_increment=1.0 / SCAN_POINTS)
    scan.header.frame_id = "camera_depth_frame"
    scan.header.seq = i
    scan.range_min, scan.range_max = 0.45, 10.0
    scan.ranges = [1.0 + (k % 97) * 0.01 for k in range(SCAN_POINTS)]
    scan.intensities = []
    return scan


def plain(msg) -> dict:
    """The JSON dict a client would build for msg (plain lists and floats)."""
    return json.loads(dumps(to_json(msg)))


KINDS = {
    "small": ("/bench/xyzc", Float32MultiArray, small),
    "large": ("/bench/scan", LaserScan, large),
}


def wait_until(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not predicate() and time.monotonic() < deadline:
        time.sleep(0.005)
    return predicate()


def connect(url: str) -> roslibpy.Ros:
    ros = roslibpy.Ros(url)
    ros.run(timeout=20)
    return ros


# ------------------------------------------------------------------ bridge measurements


def rospy_peer(role: str, topic: str, kind: str, count: int) -> None:
    """In a process of its own (so it shares no GIL with roslibpy): rospy's end of a run.

    publisher: wait for a subscriber, publish `count` messages as fast as rospy can.
    subscriber: count messages until `count` arrived (or 30 s of silence).
    Prints one JSON line: the publish loop's rate, or the arrival times' first/last and count.
    """
    _, cls, make = KINDS[kind]
    rospy.init_node(f"bench_{role}", anonymous=True, disable_signals=True)
    if role == "publisher":
        pub = rospy.Publisher(topic, cls, queue_size=count)
        wait_until(lambda: pub.get_num_connections() > 0, 30)
        time.sleep(0.5)
        msgs = [make(i) for i in range(count)]
        start = time.perf_counter()
        for msg in msgs:
            pub.publish(msg)
        print(json.dumps({"rate": count / (time.perf_counter() - start)}), flush=True)
        time.sleep(2)  # let the queue drain before the connection goes
        return
    got: list[float] = []
    rospy.Subscriber(topic, cls, lambda m: got.append(time.perf_counter()), queue_size=count)
    print(json.dumps({"ready": True}), flush=True)
    last = -1
    while len(got) < count:
        time.sleep(1 if got else 0.05)
        if got and len(got) == last:
            break
        last = len(got)
    print(json.dumps({"count": len(got), "first": got[0], "last": got[-1]}), flush=True)


def peer_process(role: str, topic: str, kind: str, count: int) -> subprocess.Popen:
    argv = [sys.executable, __file__, "--peer", role, topic, kind, str(count)]
    return subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)


def to_ros(url: str, kind: str, count: int) -> tuple[float, int]:
    """roslibpy publishes `count` messages as fast as it can; (msg/s received by rospy, lost)."""
    topic, cls, make = KINDS[kind]
    topic = f"{topic}_in"
    peer = peer_process("subscriber", topic, kind, count)
    json.loads(peer.stdout.readline())  # subscribed
    ros = connect(url)
    pub = roslibpy.Topic(ros, topic, cls._type, queue_size=1000)
    payload = [roslibpy.Message(plain(make(i))) for i in range(count)]
    pub.advertise()
    master = rosgraph.Master("/bench")
    wait_until(lambda: _connected(master, topic), 30)
    time.sleep(1.5)  # past the bridge's replay window: nothing is sent twice
    for data in payload:
        pub.publish(data)
    result = json.loads(peer.stdout.readline())
    peer.wait(10)
    ros.close()
    return (result["count"] - 1) / (result["last"] - result["first"]), count - result["count"]


def _connected(master, topic: str) -> bool:
    publishers, subscribers, _ = master.getSystemState()
    return any(name == topic for name, _ in publishers) and any(
        name == topic for name, _ in subscribers
    )


def from_ros(url: str, kind: str, count: int) -> tuple[float, int, float]:
    """rospy publishes `count` messages as fast as it can: (msg/s received by roslibpy, lost,
    msg/s of rospy's own publish loop, the most the receiving end can see)."""
    topic, cls, _ = KINDS[kind]
    topic = f"{topic}_out"
    ros = connect(url)
    got = []
    sub = roslibpy.Topic(ros, topic, cls._type, queue_length=count)
    sub.subscribe(lambda m: got.append(time.perf_counter()))
    peer = peer_process("publisher", topic, kind, count)
    publish_rate = json.loads(peer.stdout.readline())["rate"]
    wait_until(lambda: len(got) >= count, 10 + count / 1000)
    peer.wait(10)
    received = len(got)
    ros.close()
    rate = (received - 1) / (got[-1] - got[0]) if received > 1 else 0.0
    return rate, count - received, publish_rate


def round_trip(url: str, kind: str, count: int) -> list[float]:
    """roslibpy -> bridge -> ROS -> bridge -> roslibpy, one message in flight; latencies in ms."""
    topic, cls, make = KINDS[kind]
    topic = f"{topic}_rt"
    ros = connect(url)
    arrived = threading.Event()
    sub = roslibpy.Topic(ros, topic, cls._type)
    sub.subscribe(lambda m: arrived.set())
    pub = roslibpy.Topic(ros, topic, cls._type, queue_size=10)
    message = roslibpy.Message(plain(make(1)))
    pub.advertise()
    while not arrived.is_set():  # until the bridge's publisher and subscriber are connected
        pub.publish(message)
        arrived.wait(0.1)
    times = []
    for _ in range(count):
        arrived.clear()
        start = time.perf_counter()
        pub.publish(message)
        if not arrived.wait(5):
            continue
        times.append((time.perf_counter() - start) * 1000)
    ros.close()
    return times


# ------------------------------------------------------------------ the client's own ceiling


class Endpoint:
    """A WebSocket endpoint that counts incoming frames, or sends prepared publish frames."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.received = 0
        self.frame = ""
        self.burst = 0
        threading.Thread(target=self.loop.run_forever, daemon=True).start()
        self.port = asyncio.run_coroutine_threadsafe(self._start(), self.loop).result()

    async def _start(self) -> int:
        self.server = await serve(self._client, "127.0.0.1", 0, compression=None)
        return self.server.sockets[0].getsockname()[1]

    async def _client(self, ws) -> None:
        async for text in ws:
            op = json.loads(text)
            if op["op"] == "publish":
                self.received += 1
            elif op["op"] == "subscribe" and self.burst:
                for _ in range(self.burst):
                    await ws.send(self.frame)


def ceiling_send(kind: str, count: int) -> float:
    topic, cls, make = KINDS[kind]
    endpoint = Endpoint()
    ros = connect(f"ws://127.0.0.1:{endpoint.port}")
    pub = roslibpy.Topic(ros, topic, cls._type)
    payload = [plain(make(i)) for i in range(count)]
    start = time.perf_counter()
    for data in payload:
        pub.publish(roslibpy.Message(data))
    wait_until(lambda: endpoint.received >= count, 30)
    rate = endpoint.received / (time.perf_counter() - start)
    ros.close()
    return rate


def ceiling_receive(kind: str, count: int) -> float:
    topic, cls, make = KINDS[kind]
    endpoint = Endpoint()
    endpoint.frame = dumps({"op": "publish", "topic": topic, "msg": to_json(make(1))}).decode()
    endpoint.burst = count
    ros = connect(f"ws://127.0.0.1:{endpoint.port}")
    got = []
    sub = roslibpy.Topic(ros, topic, cls._type)
    start = time.perf_counter()
    sub.subscribe(lambda m: got.append(time.perf_counter()))
    wait_until(lambda: len(got) >= count, 30)
    rate = len(got) / ((got[-1] if got else time.perf_counter()) - start)
    ros.close()
    return rate


# ------------------------------------------------------------------ running


def start_own_bridge() -> tuple[str, list[subprocess.Popen]]:
    """A roscore on a free port and Terry's bridge on another; returns (url, processes)."""
    from fixtures.harness import free_port, ros_environment

    home = Path(tempfile.mkdtemp(prefix="bench-bridge-"))
    (home / "log").mkdir()
    master_port, bridge_port = free_port(), free_port()
    env = ros_environment(f"http://localhost:{master_port}/", home)
    os.environ.update({k: env[k] for k in ("ROS_MASTER_URI", "ROS_HOME", "ROS_LOG_DIR")})
    os.environ["ROS_HOSTNAME"] = "localhost"
    log = open(home / "bench.log", "wb")  # noqa: SIM115 - lives as long as the processes
    core = subprocess.Popen(["roscore", "-p", str(master_port)], env=env, stdout=log, stderr=log)
    time.sleep(3)
    bridge = subprocess.Popen(
        ["rosrun", "terry", "rosbridge", f"_port:={bridge_port}"], env=env, stdout=log, stderr=log
    )
    return f"ws://127.0.0.1:{bridge_port}/", [bridge, core]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", nargs="?", help="bridge URL (default: start roscore and ours)")
    parser.add_argument("--count", type=int, default=5000, help="messages per throughput run")
    parser.add_argument("--rtt", type=int, default=1000, help="round trips per latency run")
    parser.add_argument("--node", default="/rosbridge", help="the bridge's node (its memory)")
    parser.add_argument("--hostile-only", action="store_true", help="only the hostile clients")
    parser.add_argument("--peer", nargs=4, help=argparse.SUPPRESS)  # internal: rospy_peer()
    args = parser.parse_args()
    if args.peer:
        role, topic, kind, count = args.peer
        rospy_peer(role, topic, kind, int(count))
        return
    processes: list[subprocess.Popen] = []
    url = args.url
    if url is None:
        url, processes = start_own_bridge()
    try:
        rospy.init_node("bench_bridge", anonymous=True, disable_signals=True)
        wait_until(lambda: _reachable(url), 30)
        if not args.hostile_only:
            run(url, args.count, args.rtt)
        hostile(url, args.node)
    finally:
        for process in processes:
            process.send_signal(2)
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()


def _reachable(url: str) -> bool:
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    try:
        socket.create_connection((parts.hostname, parts.port or 80), timeout=1).close()
    except OSError:
        return False
    return True


# ------------------------------------------------------------------ hostile clients

STALLED = 4


def _rss_mb(node: str) -> float:
    import xmlrpc.client

    uri = rosgraph.Master("/bench").lookupNode(node)
    pid = xmlrpc.client.ServerProxy(uri).getPid("/bench")[2]
    with open(f"/proc/{pid}/status") as status:
        return int(next(x for x in status if x.startswith("VmRSS:")).split()[1]) / 1000


def hostile(url: str, node: str) -> None:
    """Round trips of an honest client, quiet and while hostile clients run; memory per client."""
    from urllib.parse import urlsplit

    from fixtures.bridge import RawClient

    parts = urlsplit(url)
    path = "/" + (f"?{parts.query}" if parts.query else "")
    quiet = round_trip(url, "small", 300)
    flood = rospy.Publisher("/bench/flood", String, queue_size=100)
    rss_before = _rss_mb(node)
    stalled = [RawClient(parts.port, path) for _ in range(STALLED)]
    for raw in stalled:
        raw.send_op(op="subscribe", topic="/bench/flood", fragment_size=1, queue_length=2**30)
    churner, silent = RawClient(parts.port, path), RawClient(parts.port, path)
    silent.send_op(op="advertise_service", service="/client/bench_silent", type="std_srvs/Trigger")
    time.sleep(1)
    for i in range(64):
        silent.send_op(op="call_service", id=f"c{i}", service="/client/bench_silent")
    stop = threading.Event()

    def attack() -> None:
        payload, i = "x" * 20_000, 0
        while not stop.is_set():
            flood.publish(String(data=payload))
            churner.send_op(op="subscribe", topic=f"/bench/churn{i % 100}", type="std_msgs/Int32")
            churner.send_op(op="unsubscribe", topic=f"/bench/churn{i % 100}")
            i += 1
            time.sleep(0.005)

    attacker = threading.Thread(target=attack, daemon=True)
    attacker.start()
    time.sleep(10)  # 30 MB of flood: past every stalled client's queue cap and socket buffers
    attacked = round_trip(url, "small", 300)
    growth = _rss_mb(node) - rss_before
    stop.set()
    attacker.join()
    for raw in [*stalled, churner, silent]:
        raw.close()
    print(
        f"\n[hostile] {STALLED} stalled clients (fragment_size 1, endless queue) on a 20 kB flood,"
    )
    print("  a subscribe/unsubscribe churner, 64 calls waiting on a client's silent service")
    each = growth / STALLED
    print(f"  bridge memory     : +{growth:.0f} MB in all, {each:.1f} MB per stalled client")
    for name, times in (("quiet", quiet), ("under attack", attacked)):
        print(
            f"  honest round trip : {name:12s} median {statistics.median(times):.2f} ms  "
            f"p95 {percentile(times, 0.95):.2f} ms  ({len(times)} of 300)"
        )


def run(url: str, count: int, rtt_count: int) -> None:
    print(f"bridge: {url.split('?')[0]}   messages per run: {count}   round trips: {rtt_count}")
    for kind in ("small", "large"):
        n = count if kind == "small" else count // 2
        rate_in, lost_in = to_ros(url, kind, n)
        rate_out, lost_out, publish_rate = from_ros(url, kind, n)
        ceil_in, ceil_out = ceiling_send(kind, n), ceiling_receive(kind, n)
        times = round_trip(url, kind, rtt_count)
        median, p95, p99 = (
            statistics.median(times),
            percentile(times, 0.95),
            percentile(times, 0.99),
        )
        print(f"\n[{kind}] {KINDS[kind][1]._type}")
        print(
            f"  roslibpy -> rospy : {rate_in:8.0f} msg/s  lost {lost_in:5d}   "
            f"client ceiling {ceil_in:8.0f} msg/s  ratio {rate_in / ceil_in:.2f}"
        )
        print(
            f"  rospy -> roslibpy : {rate_out:8.0f} msg/s  lost {lost_out:5d}   "
            f"client ceiling {ceil_out:8.0f} msg/s  ratio {rate_out / ceil_out:.2f}   "
            f"rospy publish loop {publish_rate:6.0f} msg/s"
        )
        print(
            f"  round trip        : median {median:.2f} ms  p95 {p95:.2f} ms  p99 {p99:.2f} ms"
            f"  ({len(times)} of {rtt_count})"
        )
        if kind == "small":
            low_in, high_in = REFERENCE["to_ros"]
            low_out, high_out = REFERENCE["from_ros"]
            print(
                f"  vs reference      : roslibpy -> rospy x{rate_in / high_in:.2f}..x"
                f"{rate_in / low_in:.2f}, rospy -> roslibpy x{rate_out / high_out:.2f}..x"
                f"{rate_out / low_out:.2f}, round trip median "
                f"x{REFERENCE['rtt_median_ms'] / median:.2f} faster"
            )


if __name__ == "__main__":
    main()
