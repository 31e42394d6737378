// Terry's base board: the two drive wheels' gearmotors under velocity control on their encoders,
// over Terry's serial link. Logic: lib/base_app.cpp; wiring: base/hal_avr.cpp and
// docs/base-firmware.md.
#include "hal.h"
#include "base_app.h"

void setup() {
  hal_begin();
  base_setup();
}

void loop() { base_loop(); }
