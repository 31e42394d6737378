// Terry's serial link framing for the Arduino boards (docs/serial-protocol.md): COBS frames with
// a 0x00 delimiter and CRC-16/CCITT-FALSE. No heap, no Arduino dependency: builds for the
// ATmega328P with avr-gcc and for the host with g++.
#ifndef TERRY_LINK_H
#define TERRY_LINK_H

#include <stddef.h>
#include <stdint.h>

#define TERRY_PROTOCOL_VERSION 1
#define TERRY_MAX_PAYLOAD 32
#define TERRY_MAX_BODY (2 + TERRY_MAX_PAYLOAD + 2)
#define TERRY_MAX_ENCODED (TERRY_MAX_BODY + 1)
#define TERRY_MAX_WIRE (TERRY_MAX_ENCODED + 1)

enum TerryType {
  TERRY_HELLO = 0x01,
  TERRY_HELLO_REPLY = 0x02,
  TERRY_HEARTBEAT = 0x03,
  TERRY_STATUS = 0x04,
  TERRY_ACK = 0x05,
  TERRY_ESTOP = 0x06,
  TERRY_WHEEL_VELOCITY = 0x10,
  TERRY_ENCODERS = 0x11,
  TERRY_PAN_TILT_COMMAND = 0x20,
  TERRY_PAN_TILT_STATE = 0x21,
  TERRY_IMU_CONFIG = 0x30,
  TERRY_IMU_SAMPLE = 0x31,
};

// Payload size of a message type, or -1 for a type this protocol version does not define.
int8_t terry_payload_size(uint8_t type);

// CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, not reflected, no final xor.
uint16_t terry_crc16(const uint8_t *data, size_t len);

// Writes the frame (COBS body and 0x00) to out (TERRY_MAX_WIRE bytes); returns its length,
// or 0 when the payload is longer than TERRY_MAX_PAYLOAD.
uint8_t terry_encode(uint8_t type, uint8_t seq, const uint8_t *payload, uint8_t len, uint8_t *out);

struct TerryFrame {
  uint8_t type;
  uint8_t seq;
  uint8_t len;
  uint8_t payload[TERRY_MAX_PAYLOAD];
};

// Streaming decoder: feed() every received byte; it returns true when a good frame (CRC right,
// known type, that type's payload length) has completed into *frame. Bad frames are counted.
struct TerryDecoder {
  uint8_t buf[TERRY_MAX_ENCODED];
  uint8_t len;
  bool overflow;
  uint16_t frames;
  uint16_t crc_errors;
  uint16_t framing_errors;
  uint16_t dropped_bytes;

  void reset();
  bool feed(uint8_t byte, TerryFrame *frame);

 private:
  bool finish(TerryFrame *frame);
};

#endif
