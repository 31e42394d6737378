// Terry's IMU board: an MPU-6050 on I2C sampled at a fixed rate (200 Hz by default), each sample
// streamed with its timestamp over Terry's serial link. Logic: lib/imu_app.cpp; wiring:
// imu/hal_avr.cpp and docs/firmware.md.
#include "hal.h"
#include "imu_app.h"

void setup() {
  hal_begin();
  imu_setup();
}

void loop() { imu_loop(); }
