"""JSON <-> ROS conversion (no ROS graph needed): any message type survives the round trip, and
values that do not fit the type are refused with the field's name."""

from __future__ import annotations

import io
import math
import random

import genpy
import orjson
import pytest

from terry.bridge.convert import ConversionError, dumps, from_json, message_class, to_json

TYPES = [
    "sensor_msgs/JointState",
    "sensor_msgs/Imu",
    "sensor_msgs/LaserScan",
    "sensor_msgs/PointCloud2",
    "sensor_msgs/CompressedImage",
    "nav_msgs/Odometry",
    "nav_msgs/OccupancyGrid",
    "trajectory_msgs/JointTrajectory",
    "diagnostic_msgs/DiagnosticArray",
    "geometry_msgs/TransformStamped",
    "std_msgs/Float32MultiArray",
    "std_msgs/Duration",
]
INTS = {
    "int8": 7,
    "uint8": 8,
    "byte": 7,
    "char": 8,
    "int16": 15,
    "uint16": 16,
    "int32": 31,
    "uint32": 32,
    "int64": 63,
    "uint64": 64,
}


def fill(cls: type, rng: random.Random) -> genpy.Message:
    """A message of cls with every field set to something random (arrays of 0..3 items)."""
    msg = cls()
    for slot, kind in zip(cls.__slots__, cls._slot_types, strict=True):
        setattr(msg, slot, value(kind, rng))
    return msg


def value(kind: str, rng: random.Random):
    if kind.endswith("]"):
        base, size = kind[:-1].split("[")
        count = int(size) if size else rng.randint(0, 3)
        if base in ("uint8", "char"):
            return bytes(rng.randrange(256) for _ in range(count))
        return [value(base, rng) for _ in range(count)]
    if kind in INTS:
        bits = INTS[kind]
        low = 0 if kind.startswith("u") or kind == "char" else -(2**bits)
        return rng.randint(low, 2**bits - 1)
    if kind in ("float32", "float64"):
        return rng.choice([0.0, -1.5, rng.uniform(-1e3, 1e3), 1e-7])
    if kind == "bool":
        return rng.random() < 0.5
    if kind == "string":
        return rng.choice(["", "arm_base_link", "\u00e9t\u00e9 \u2603"])
    if kind == "time":
        return genpy.Time(rng.randint(0, 2**31), rng.randint(0, 999_999_999))
    if kind == "duration":
        return genpy.Duration(rng.randint(-1000, 1000), rng.randint(0, 999_999_999))
    return fill(message_class("std_msgs/Header" if kind == "Header" else kind), rng)


def wire(msg: genpy.Message) -> genpy.Message:
    """The message after serialize/deserialize (what a subscriber would get: float32 rounded)."""
    buffer = io.BytesIO()
    msg.serialize(buffer)
    return type(msg)().deserialize(buffer.getvalue())


@pytest.mark.parametrize("type_name", TYPES)
@pytest.mark.parametrize("seed", range(3))
def test_any_message_type_survives_json_and_back(type_name, seed):
    cls = message_class(type_name)
    original = wire(fill(cls, random.Random(seed)))
    text = dumps(to_json(original))
    back = from_json(cls, orjson.loads(text))
    assert wire(back) == original


def test_ros2_style_type_names_are_accepted():
    assert message_class("sensor_msgs/msg/Imu") is message_class("sensor_msgs/Imu")


def test_nan_and_infinity_become_null_in_json():
    msg = message_class("std_msgs/Float64MultiArray")(data=[math.nan, math.inf, 1.0])
    assert orjson.loads(dumps(to_json(msg)))["data"] == [None, None, 1.0]


@pytest.mark.parametrize(
    ("type_name", "data", "complaint"),
    [
        ("std_msgs/Int32", {"data": "3"}, "data: expected an integer"),
        ("std_msgs/Int8", {"data": 300}, "data: 300 out of range for int8"),
        ("std_msgs/UInt32", {"data": -1}, "out of range for uint32"),
        ("std_msgs/Float64", {"data": [1.0]}, "data: expected a number"),
        ("std_msgs/String", {"text": "x"}, "std_msgs/String has no field 'text'"),
        ("std_msgs/Bool", {"data": "yes"}, "data: expected true or false"),
        ("sensor_msgs/Imu", {"orientation_covariance": [0] * 8}, "expected 9 items"),
        ("sensor_msgs/Imu", {"orientation": [0, 0, 0, 1]}, "orientation: expected an object"),
        ("sensor_msgs/CompressedImage", {"data": "%%%"}, "data: not valid base64"),
        ("std_msgs/Header", {"stamp": {"secs": 1, "ns": 2}}, "stamp: unknown field"),
        (
            "trajectory_msgs/JointTrajectory",
            {"points": [{"positions": ["a"]}]},
            "points[0].positions: expected a number",
        ),
    ],
)
def test_values_that_do_not_fit_are_refused_with_the_field_name(type_name, data, complaint):
    with pytest.raises(ConversionError, match=complaint.replace("[", r"\[").replace("]", r"\]")):
        from_json(message_class(type_name), data)


@pytest.mark.parametrize("name", ["no_such_pkg/Thing", "std_msgs/NoSuch", "notatype", "a/b/c/d"])
def test_unknown_types_are_refused(name):
    with pytest.raises(ConversionError):
        message_class(name)
