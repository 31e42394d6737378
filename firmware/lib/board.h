// What every Terry sketch shares around the link: the handshake, sequence numbers, Status
// heartbeats, acknowledgements. The sketch supplies handle() for its own message types.
#pragma once
#include "hal.h"
#include "terry_link.h"

class Board {
 public:
  Board(uint8_t firmware, uint16_t version, uint16_t config)
      : firmware_(firmware), version_(version), config_(config) {}
  // Read what has arrived; calls handle(frame) for each good frame of a type the board knows.
  template <class Handler>
  void poll(Handler &handler) {
    int byte;
    uint8_t budget = 64;  // never starve the control loop
    while (budget-- && (byte = hal_serial_read()) >= 0) {
      if (!decoder_.feed((uint8_t)byte)) continue;
      const tlink::Frame &f = decoder_.frame;
      int size = tlink::payload_size(f.type);
      if (size < 0) {
        ack(f, tlink::ACK_UNKNOWN_TYPE);
      } else if (size != f.len) {
        ack(f, tlink::ACK_BAD_LENGTH);
      } else if (f.type == tlink::HELLO) {
        hello();
      } else if (f.type != tlink::HEARTBEAT) {
        handler.handle(f);
      }
    }
  }
  void send(uint8_t type, const uint8_t *payload, uint8_t len);
  void ack(const tlink::Frame &f, uint8_t status);
  void status(uint8_t flags);
  void hello();

 private:
  tlink::Decoder decoder_;
  uint8_t firmware_, seq_ = 0;
  uint16_t version_, config_;
};
