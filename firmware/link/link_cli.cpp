// Host-side driver for the firmware's link code, used by test/test_firmware_link_vectors.py.
// stdin lines: "E <type> <seq> <payload hex>" prints the encoded frame in hex;
// "D <hex>" feeds bytes to one decoder and prints "F <type> <seq> <payload hex>" per good frame,
// then "." ; "C" prints the decoder's counters: frames crc_errors framing_errors dropped_bytes.
#include <stdio.h>
#include <string.h>

#include "terry_link.h"

static int unhex(const char *s, uint8_t *out, int max) {
  int n = 0;
  unsigned v;
  while (*s && n < max && sscanf(s, "%2x", &v) == 1) {
    out[n++] = (uint8_t)v;
    s += 2;
  }
  return n;
}

static void print_hex(const uint8_t *data, int len) {
  for (int i = 0; i < len; ++i) printf("%02x", data[i]);
}

int main() {
  static char line[1 << 16];
  static uint8_t bytes[1 << 15];
  TerryDecoder decoder;
  decoder.reset();
  while (fgets(line, sizeof line, stdin)) {
    line[strcspn(line, "\r\n")] = 0;
    if (line[0] == 'E') {
      unsigned type, seq;
      char hex[2 * TERRY_MAX_PAYLOAD + 3] = "";
      if (sscanf(line + 1, "%u %u %66s", &type, &seq, hex) < 2) return 2;
      int len = unhex(hex, bytes, TERRY_MAX_PAYLOAD + 1);
      uint8_t out[TERRY_MAX_WIRE];
      uint8_t n = terry_encode((uint8_t)type, (uint8_t)seq, bytes, (uint8_t)len, out);
      print_hex(out, n);
      printf("\n");
    } else if (line[0] == 'D') {
      int len = unhex(line + 2, bytes, sizeof bytes);
      TerryFrame frame;
      for (int i = 0; i < len; ++i) {
        if (decoder.feed(bytes[i], &frame)) {
          printf("F %u %u ", frame.type, frame.seq);
          print_hex(frame.payload, frame.len);
          printf("\n");
        }
      }
      printf(".\n");
    } else if (line[0] == 'C') {
      printf("%u %u %u %u\n", decoder.frames, decoder.crc_errors, decoder.framing_errors,
             decoder.dropped_bytes);
    }
    fflush(stdout);
  }
  return 0;
}
