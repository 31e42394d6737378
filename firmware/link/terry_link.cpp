#include "terry_link.h"

int8_t terry_payload_size(uint8_t type) {
  switch (type) {
    case TERRY_HELLO: return 5;
    case TERRY_HELLO_REPLY: return 12;
    case TERRY_HEARTBEAT: return 0;
    case TERRY_STATUS: return 7;
    case TERRY_ACK: return 3;
    case TERRY_ESTOP: return 1;
    case TERRY_WHEEL_VELOCITY: return 4;
    case TERRY_ENCODERS: return 11;
    case TERRY_PAN_TILT_COMMAND: return 7;
    case TERRY_PAN_TILT_STATE: return 10;
    case TERRY_IMU_CONFIG: return 5;
    case TERRY_IMU_SAMPLE: return 16;
    default: return -1;
  }
}

static uint16_t crc_byte(uint16_t crc, uint8_t byte) {
  crc ^= (uint16_t)byte << 8;
  for (uint8_t bit = 0; bit < 8; ++bit) {
    crc = (crc & 0x8000) ? (uint16_t)((crc << 1) ^ 0x1021) : (uint16_t)(crc << 1);
  }
  return crc;
}

uint16_t terry_crc16(const uint8_t *data, size_t len) {
  uint16_t crc = 0xFFFF;
  for (size_t i = 0; i < len; ++i) crc = crc_byte(crc, data[i]);
  return crc;
}

uint8_t terry_encode(uint8_t type, uint8_t seq, const uint8_t *payload, uint8_t len,
                     uint8_t *out) {
  if (len > TERRY_MAX_PAYLOAD) return 0;
  uint8_t body[TERRY_MAX_BODY];
  body[0] = type;
  body[1] = seq;
  for (uint8_t i = 0; i < len; ++i) body[2 + i] = payload[i];
  uint16_t crc = terry_crc16(body, 2 + len);
  body[2 + len] = (uint8_t)(crc >> 8);
  body[3 + len] = (uint8_t)crc;
  uint8_t n = 4 + len;  // bodies are shorter than 254 bytes: no 0xFF blocks
  uint8_t code_at = 0, code = 1, o = 1;
  for (uint8_t i = 0; i < n; ++i) {
    if (body[i] == 0) {
      out[code_at] = code;
      code_at = o++;
      code = 1;
    } else {
      out[o++] = body[i];
      ++code;
    }
  }
  out[code_at] = code;
  out[o++] = 0;
  return o;
}

void TerryDecoder::reset() {
  len = 0;
  overflow = false;
  frames = crc_errors = framing_errors = dropped_bytes = 0;
}

bool TerryDecoder::feed(uint8_t byte, TerryFrame *frame) {
  if (byte != 0) {
    if (len < TERRY_MAX_ENCODED) {
      buf[len++] = byte;
    } else {
      overflow = true;
      ++dropped_bytes;
    }
    return false;
  }
  bool good = finish(frame);
  len = 0;
  overflow = false;
  return good;
}

bool TerryDecoder::finish(TerryFrame *frame) {
  if (len == 0) return false;  // back-to-back delimiters: a resync, not an error
  if (overflow) {
    ++framing_errors;
    dropped_bytes += len;
    return false;
  }
  // COBS-decode in place: the output never overtakes the input.
  uint8_t out = 0, i = 0;
  while (i < len) {
    uint8_t code = buf[i];
    if (code == 0 || (uint16_t)i + code > len) {
      ++framing_errors;
      dropped_bytes += len;
      return false;
    }
    for (uint8_t k = 1; k < code; ++k) buf[out++] = buf[i + k];
    i += code;
    if (code != 0xFF && i < len) buf[out++] = 0;
  }
  if (out < 4) {
    ++framing_errors;
    dropped_bytes += len;
    return false;
  }
  uint16_t crc = ((uint16_t)buf[out - 2] << 8) | buf[out - 1];
  if (terry_crc16(buf, out - 2) != crc) {
    ++crc_errors;
    dropped_bytes += len;
    return false;
  }
  int8_t size = terry_payload_size(buf[0]);
  if (size < 0 || size != out - 4) {
    ++framing_errors;
    dropped_bytes += len;
    return false;
  }
  frame->type = buf[0];
  frame->seq = buf[1];
  frame->len = (uint8_t)size;
  for (uint8_t k = 0; k < size; ++k) frame->payload[k] = buf[2 + k];
  ++frames;
  return true;
}
