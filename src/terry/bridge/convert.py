"""JSON <-> ROS message conversion for any genpy message type, the way rosbridge v2 writes it.

uint8[]/char[] travel as base64 strings, time/duration as {"secs", "nsecs"}, NaN and infinities
go out as null, integers are accepted for float fields, missing fields keep their defaults, and a
message whose `header` is missing gets one stamped now. Converters are built once per type.
float32 values go out as numpy float32 so that dumps() writes their shortest form (1.01, not
1.0099999904632568): smaller frames, faster on both ends.
"""

from __future__ import annotations

import base64
import binascii
import math
from collections.abc import Callable
from functools import cache
from typing import Any

import genpy
import numpy as np
import orjson
from roslib.message import get_message_class, get_service_class

_INT_RANGES = {
    "int8": (-(2**7), 2**7 - 1),
    "uint8": (0, 2**8 - 1),
    "byte": (-(2**7), 2**7 - 1),
    "char": (0, 2**8 - 1),
    "int16": (-(2**15), 2**15 - 1),
    "uint16": (0, 2**16 - 1),
    "int32": (-(2**31), 2**31 - 1),
    "uint32": (0, 2**32 - 1),
    "int64": (-(2**63), 2**63 - 1),
    "uint64": (0, 2**64 - 1),
}
_FLOATS = {"float32", "float64"}
_BYTE_ARRAYS = {"uint8", "char"}

Encoder = Callable[[Any], Any]
Decoder = Callable[[Any, str], Any]


class ConversionError(ValueError):
    """A JSON value that does not fit the message type; the text names the field."""


def ros_type_name(name: str) -> str:
    """`pkg/Type` for `pkg/Type` or `pkg/msg/Type` (`pkg/srv/Type` too)."""
    parts = name.split("/")
    if len(parts) == 3 and parts[1] in ("msg", "srv"):
        return f"{parts[0]}/{parts[2]}"
    return name


@cache
def message_class(name: str) -> type[genpy.Message]:
    """The message class for a type name; ConversionError if the system does not know it."""
    if not isinstance(name, str) or name.count("/") not in (1, 2):
        raise ConversionError(f"message type must look like pkg/Type, got {name!r}")
    try:
        cls = get_message_class(ros_type_name(name))
    except (ValueError, ImportError, AttributeError, TypeError):
        cls = None
    if cls is None:
        raise ConversionError(f"unknown message type {name!r}")
    return cls


@cache
def service_class(name: str) -> type:
    """The service class for a type name; ConversionError if the system does not know it."""
    if not isinstance(name, str) or name.count("/") not in (1, 2):
        raise ConversionError(f"service type must look like pkg/Type, got {name!r}")
    try:
        cls = get_service_class(ros_type_name(name))
    except (ValueError, ImportError, AttributeError, TypeError):
        cls = None
    if cls is None:
        raise ConversionError(f"unknown service type {name!r}")
    return cls


def _split(type_str: str) -> tuple[str, int | None, bool]:
    """(base type, fixed length or None, is array) of a genpy slot type like float64[9]."""
    if not type_str.endswith("]"):
        return type_str, None, False
    base, _, size = type_str[:-1].partition("[")
    return base, (int(size) if size else None), True


def _nested_class(base: str) -> type[genpy.Message]:
    return message_class("std_msgs/Header" if base == "Header" else base)


# ---------------------------------------------------------------- ROS -> JSON


def dumps(value: Any) -> bytes:
    """JSON text (UTF-8) of to_json() output or any plain value; NaN and infinities as null.

    A copy of orjson's answer: its bytes keep all the room orjson reserved (4 kB for a tiny
    object, 8 kB for a 1000-character string), which frames waiting in a queue must not hold."""
    return b"%b" % orjson.dumps(value, option=orjson.OPT_SERIALIZE_NUMPY)


def _floats32_out(values: Any) -> np.ndarray:
    return np.array(values, dtype=np.float32)


def _bytes_out(value: Any) -> str:
    if not isinstance(value, bytes | bytearray):
        value = bytes(value)
    return base64.b64encode(value).decode("ascii")


def _time_out(value: Any) -> dict:
    return {"secs": value.secs, "nsecs": value.nsecs}


@cache
def _encoder(type_str: str) -> Encoder:
    base, _, is_array = _split(type_str)
    if is_array and base in _BYTE_ARRAYS:
        return _bytes_out
    if base == "float32":
        return _floats32_out if is_array else np.float32
    if base == "float64":
        return list if is_array else (lambda v: v)
    if base in _INT_RANGES or base in ("bool", "string"):
        return list if is_array else (lambda v: v)
    if base in ("time", "duration"):
        return (lambda v: [_time_out(x) for x in v]) if is_array else _time_out
    fields = _message_encoder(_nested_class(base))
    if is_array:
        return lambda v: [fields(x) for x in v]
    return fields


@cache
def _message_encoder(cls: type[genpy.Message]) -> Encoder:
    plan = [(slot, _encoder(t)) for slot, t in zip(cls.__slots__, cls._slot_types, strict=True)]

    def encode(msg: Any) -> dict:
        return {slot: enc(getattr(msg, slot)) for slot, enc in plan}

    return encode


def to_json(msg: genpy.Message) -> dict:
    """The dict of any ROS message, for dumps() (float32 values are numpy float32)."""
    return _message_encoder(type(msg))(msg)


# ---------------------------------------------------------------- JSON -> ROS


def _float_in(value: Any, path: str) -> float:
    if value is None:
        return math.nan
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConversionError(f"{path}: expected a number, got {value!r:.60}")
    return float(value)


def _int_in(kind: str) -> Decoder:
    low, high = _INT_RANGES[kind]

    def decode(value: Any, path: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            else:
                raise ConversionError(f"{path}: expected an integer ({kind}), got {value!r:.60}")
        if not low <= value <= high:
            raise ConversionError(f"{path}: {value} out of range for {kind}")
        return value

    return decode


def _bool_in(value: Any, path: str) -> bool:
    if isinstance(value, bool) or value in (0, 1):
        return bool(value)
    raise ConversionError(f"{path}: expected true or false, got {value!r:.60}")


def _string_in(value: Any, path: str) -> str:
    if not isinstance(value, str):
        raise ConversionError(f"{path}: expected a string, got {value!r:.60}")
    return value


def _bytes_in(value: Any, path: str) -> bytes:
    if isinstance(value, str):
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise ConversionError(f"{path}: not valid base64") from None
    if isinstance(value, list):
        decode = _int_in("uint8")
        return bytes(decode(v, f"{path}[{i}]") for i, v in enumerate(value))
    raise ConversionError(f"{path}: expected base64 text or a list of bytes, got {value!r:.60}")


def _time_in(kind: type) -> Decoder:
    secs_in = _int_in("int64")

    def decode(value: Any, path: str) -> Any:
        if isinstance(value, dict):
            extra = set(value) - {"secs", "nsecs", "sec", "nanosec"}
            if extra:
                raise ConversionError(f"{path}: unknown field(s) {sorted(extra)}")
            secs = secs_in(value.get("secs", value.get("sec", 0)), f"{path}.secs")
            nsecs = secs_in(value.get("nsecs", value.get("nanosec", 0)), f"{path}.nsecs")
            return kind(secs, nsecs)
        if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
            return kind.from_sec(value)
        raise ConversionError(f"{path}: expected {{secs, nsecs}}, got {value!r:.60}")

    return decode


@cache
def _decoder(type_str: str) -> Decoder:
    base, size, is_array = _split(type_str)
    if is_array and base in _BYTE_ARRAYS:
        item = _bytes_in
    elif base in _FLOATS:
        item = _float_in
    elif base in _INT_RANGES:
        item = _int_in(base)
    elif base == "bool":
        item = _bool_in
    elif base == "string":
        item = _string_in
    elif base == "time":
        item = _time_in(genpy.Time)
    elif base == "duration":
        item = _time_in(genpy.Duration)
    else:
        item = _message_decoder(_nested_class(base))
    if not is_array or base in _BYTE_ARRAYS:
        if size is None:
            return item
        return _fixed(item, size)
    return _array(item, size)


def _fixed(item: Decoder, size: int) -> Decoder:
    def decode(value: Any, path: str) -> Any:
        result = item(value, path)
        if len(result) != size:
            raise ConversionError(f"{path}: expected {size} items, got {len(result)}")
        return result

    return decode


def _array(item: Decoder, size: int | None) -> Decoder:
    def decode(value: Any, path: str) -> list:
        if not isinstance(value, list):
            raise ConversionError(f"{path}: expected a list, got {value!r:.60}")
        if size is not None and len(value) != size:
            raise ConversionError(f"{path}: expected {size} items, got {len(value)}")
        if item is _float_in:
            if all(type(v) is float for v in value):
                return value
            return [_float_in(v, path) for v in value]
        return [item(v, f"{path}[{i}]") for i, v in enumerate(value)]

    return decode


@cache
def _message_decoder(cls: type[genpy.Message]) -> Decoder:
    plan = {slot: _decoder(t) for slot, t in zip(cls.__slots__, cls._slot_types, strict=True)}
    name = cls._type

    def decode(value: Any, path: str) -> genpy.Message:
        if not isinstance(value, dict):
            raise ConversionError(f"{path or name}: expected an object, got {value!r:.60}")
        fields = {}
        for key, item in value.items():
            dec = plan.get(key)
            if dec is None:
                raise ConversionError(f"{name} has no field {key!r}")
            fields[key] = dec(item, f"{path}.{key}" if path else key)
        return cls(**fields)

    return decode


def from_json(
    cls: type[genpy.Message], data: Any, now: Callable[[], genpy.Time] | None = None
) -> genpy.Message:
    """A message of `cls` from its JSON dict; a missing header is stamped with now()."""
    msg = _message_decoder(cls)(data, "")
    if now is not None and "header" not in data and "header" in cls.__slots__:
        msg.header.stamp = now()
    return msg
