// The firmware's link codec on stdin/stdout, for the Python tests to check it byte for byte:
//   encode TYPE SEQ PAYLOAD_HEX  -> the frame on the wire, hex
//   size TYPE                    -> the payload size the firmware expects, -1 for unknown
//   decode                       -> reads raw bytes to EOF; prints each accepted frame as
//                                   "TYPE SEQ PAYLOAD_HEX", then "errors CRC FRAMING DROPPED"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../lib/terry_link.h"

static void hex(const uint8_t *p, int n) {
  for (int i = 0; i < n; i++) printf("%02x", p[i]);
}

int main(int argc, char **argv) {
  if (argc == 5 && !strcmp(argv[1], "encode")) {
    uint8_t payload[64], wire[tlink::MAX_WIRE];
    int n = 0;
    for (const char *s = argv[4]; s[0] && s[1] && n < 64; s += 2) sscanf(s, "%2hhx", &payload[n++]);
    uint8_t len = tlink::encode(atoi(argv[2]), atoi(argv[3]), payload, n, wire);
    hex(wire, len);
    printf("\n");
    return 0;
  }
  if (argc == 3 && !strcmp(argv[1], "size")) {
    printf("%d\n", tlink::payload_size(atoi(argv[2])));
    return 0;
  }
  if (argc == 2 && !strcmp(argv[1], "decode")) {
    tlink::Decoder d;
    int c;
    while ((c = getchar()) != EOF) {
      if (!d.feed(c)) continue;
      printf("%d %d ", d.frame.type, d.frame.seq);
      hex(d.frame.payload, d.frame.len);
      printf("\n");
    }
    printf("errors %u %u %u\n", d.crc_errors, d.framing_errors, d.dropped_bytes);
    return 0;
  }
  fprintf(stderr, "usage: link_tool encode TYPE SEQ HEX | size TYPE | decode < bytes\n");
  return 2;
}
