// Terry's serial link (docs/serial-protocol.md): COBS frames with CRC-16/CCITT-FALSE, shared by
// every sketch and by the host-native build. No dynamic memory; buffers sized for the 328P.
#pragma once
#include <stdint.h>
#include <stddef.h>

namespace tlink {

const uint8_t PROTOCOL_VERSION = 1;
const uint8_t MAX_PAYLOAD = 32;
const uint8_t MAX_BODY = 2 + MAX_PAYLOAD + 2;
const uint8_t MAX_ENCODED = MAX_BODY + 1;
const uint8_t MAX_WIRE = MAX_ENCODED + 1;  // with the 0x00 delimiter

// Message types (docs/serial-protocol.md, "Messages").
enum Type : uint8_t {
  HELLO = 0x01, HELLO_REPLY = 0x02, HEARTBEAT = 0x03, STATUS = 0x04, ACK = 0x05, ESTOP = 0x06,
  MOTOR_TUNING = 0x07,
  WHEEL_VELOCITY = 0x10, ENCODERS = 0x11, BATTERY = 0x12, PAN_TILT_COMMAND = 0x20, PAN_TILT_STATE = 0x21,
  IMU_CONFIG = 0x30, IMU_SAMPLE = 0x31,
};
enum AckStatus : uint8_t { ACK_OK = 0, ACK_UNKNOWN_TYPE = 1, ACK_BAD_LENGTH = 2,
                           ACK_ESTOPPED = 3, ACK_OUT_OF_RANGE = 4 };
enum Firmware : uint8_t { FIRMWARE_BASE = 1, FIRMWARE_PAN_TILT = 2, FIRMWARE_IMU = 3 };
const uint8_t FLAG_ESTOP = 0x01, FLAG_WATCHDOG = 0x02;

uint16_t crc16(const uint8_t *data, uint8_t len, uint16_t crc = 0xFFFF);
// COBS-encode len bytes into out (room for len + 1 + len / 254); returns the encoded length.
uint8_t cobs_encode(const uint8_t *in, uint8_t len, uint8_t *out);
// Decode in place-safe into out; returns the decoded length, or -1 for a malformed block.
int cobs_decode(const uint8_t *in, uint8_t len, uint8_t *out);
// One frame on the wire, delimiter included, into out (MAX_WIRE bytes); returns its length.
uint8_t encode(uint8_t type, uint8_t seq, const uint8_t *payload, uint8_t len, uint8_t *out);
// Expected payload size of a known type, or -1 for an unknown one.
int payload_size(uint8_t type);

struct Frame {
  uint8_t type, seq, len;
  uint8_t payload[MAX_PAYLOAD];
};

// Streaming decoder: feed bytes one at a time; true when `frame` holds a good frame.
class Decoder {
 public:
  bool feed(uint8_t byte);
  Frame frame;
  uint16_t crc_errors = 0, framing_errors = 0, dropped_bytes = 0;

 private:
  void drop(uint8_t n);
  uint8_t buf_[MAX_ENCODED];
  uint8_t n_ = 0;
  bool overflow_ = false;
};

// Little-endian field packing, the AVR's own byte order.
inline void put16(uint8_t *p, uint16_t v) { p[0] = v; p[1] = v >> 8; }
inline void put32(uint8_t *p, uint32_t v) { put16(p, v); put16(p + 2, v >> 16); }
inline uint16_t get16(const uint8_t *p) { return p[0] | (uint16_t)p[1] << 8; }
inline uint32_t get32(const uint8_t *p) { return get16(p) | (uint32_t)get16(p + 2) << 16; }

}  // namespace tlink
