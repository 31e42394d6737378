#include "board.h"

void Board::send(uint8_t type, const uint8_t *payload, uint8_t len) {
  uint8_t wire[tlink::MAX_WIRE];
  seq_++;
  hal_serial_write(wire, tlink::encode(type, seq_, payload, len, wire));
}

void Board::ack(const tlink::Frame &f, uint8_t status) {
  uint8_t p[3] = {f.seq, f.type, status};
  send(tlink::ACK, p, 3);
}

void Board::status(uint8_t flags) {
  uint8_t p[7];
  p[0] = flags;
  tlink::put16(p + 1, decoder_.crc_errors);
  tlink::put16(p + 3, decoder_.dropped_bytes);
  tlink::put16(p + 5, hal_free_ram());
  send(tlink::STATUS, p, 7);
}

void Board::hello() {
  uint8_t p[12];
  p[0] = tlink::PROTOCOL_VERSION;
  p[1] = firmware_;
  tlink::put16(p + 2, version_);
  tlink::put32(p + 4, hal_baud());
  tlink::put16(p + 8, hal_free_ram());
  tlink::put16(p + 10, config_);
  send(tlink::HELLO_REPLY, p, 12);
}
