#include "terry_link.h"

namespace tlink {

uint16_t crc16(const uint8_t *data, uint8_t len, uint16_t crc) {
  while (len--) {
    crc ^= (uint16_t)*data++ << 8;
    for (uint8_t i = 0; i < 8; i++) crc = crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1;
  }
  return crc;
}

uint8_t cobs_encode(const uint8_t *in, uint8_t len, uint8_t *out) {
  uint8_t code_at = 0, code = 1, n = 1;
  for (uint8_t i = 0; i < len; i++) {
    if (in[i] == 0) {
      out[code_at] = code;
      code_at = n++;
      code = 1;
      continue;
    }
    out[n++] = in[i];
    if (++code == 0xFF) {
      out[code_at] = code;
      code_at = n++;
      code = 1;
    }
  }
  out[code_at] = code;
  return n;
}

int cobs_decode(const uint8_t *in, uint8_t len, uint8_t *out) {
  uint8_t i = 0, n = 0;
  while (i < len) {
    uint8_t code = in[i];
    if (code == 0 || i + code > len) return -1;
    for (uint8_t k = 1; k < code; k++) {
      if (in[i + k] == 0) return -1;
      out[n++] = in[i + k];
    }
    i += code;
    if (code != 0xFF && i < len) out[n++] = 0;
  }
  return n;
}

uint8_t encode(uint8_t type, uint8_t seq, const uint8_t *payload, uint8_t len, uint8_t *out) {
  uint8_t body[MAX_BODY];
  if (len > MAX_PAYLOAD) len = MAX_PAYLOAD;
  body[0] = type;
  body[1] = seq;
  for (uint8_t i = 0; i < len; i++) body[2 + i] = payload[i];
  uint16_t crc = crc16(body, 2 + len);
  body[2 + len] = crc >> 8;
  body[3 + len] = crc;
  uint8_t n = cobs_encode(body, 4 + len, out);
  out[n++] = 0;
  return n;
}

int payload_size(uint8_t type) {
  switch (type) {
    case HELLO: return 5;
    case HELLO_REPLY: return 12;
    case HEARTBEAT: return 0;
    case STATUS: return 7;
    case ACK: return 3;
    case ESTOP: return 1;
    case MOTOR_TUNING: return 21;
    case WHEEL_VELOCITY: return 4;
    case ENCODERS: return 11;
    case BATTERY: return 2;
    case PAN_TILT_COMMAND: return 7;
    case PAN_TILT_STATE: return 10;
    case IMU_CONFIG: return 5;
    case IMU_SAMPLE: return 16;
    default: return -1;
  }
}

void Decoder::drop(uint8_t n) { dropped_bytes += n; }

bool Decoder::feed(uint8_t byte) {
  if (byte != 0) {
    if (n_ < MAX_ENCODED) {
      buf_[n_++] = byte;
    } else {
      overflow_ = true;
      dropped_bytes++;
    }
    return false;
  }
  uint8_t n = n_;
  bool overflow = overflow_;
  n_ = 0;
  overflow_ = false;
  if (n == 0) return false;  // back-to-back delimiters: a resync, not an error
  uint8_t body[MAX_ENCODED];
  int len = overflow ? -1 : cobs_decode(buf_, n, body);
  if (len < 4) {
    framing_errors++;
    drop(n);
    return false;
  }
  if (crc16(body, len - 2) != ((uint16_t)body[len - 2] << 8 | body[len - 1])) {
    crc_errors++;
    drop(n);
    return false;
  }
  frame.type = body[0];
  frame.seq = body[1];
  frame.len = len - 4;
  for (uint8_t i = 0; i < frame.len; i++) frame.payload[i] = body[2 + i];
  return true;
}

}  // namespace tlink
