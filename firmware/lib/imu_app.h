// The IMU board's firmware logic, hardware-free: samples the IMU at a fixed rate and streams
// each sample with its board timestamp; ranges and rate are set by the host's ImuConfig.
#pragma once

#ifndef IMU_DEFAULT_RATE
#define IMU_DEFAULT_RATE 200  // Hz
#endif
#define IMU_MIN_RATE 10
#define IMU_MAX_RATE 400  // a 22-byte frame each: 8.8 kB/s of 115200 baud's ~11 kB/s

void imu_setup();
void imu_loop();
