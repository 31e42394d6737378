// Terry's pan/tilt unit: the Kinect's pan gearmotor (position and "radar" velocity modes on the
// encoder) and tilt servo, over Terry's serial link. Logic: lib/pan_tilt_app.cpp; wiring:
// pan_tilt/hal_avr.cpp and docs/firmware.md.
#include "hal.h"
#include "pan_tilt_app.h"

void setup() {
  hal_begin();
  pan_tilt_setup();
}

void loop() { pan_tilt_loop(); }
