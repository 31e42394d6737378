"""Terry's serial link to its Arduino boards: framing (codec), payloads (messages), pyserial
transport. ROS-free; the protocol is documented in docs/serial-protocol.md.
"""
