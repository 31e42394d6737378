// The base board's firmware logic, hardware-free: two wheel gearmotors (motor channels 0 left,
// 1 right, encoders 0 and 1) under MotorAxis velocity control, the host-silence watchdog and
// e-stop, and the battery's voltage through a divider. The protocol is the one src/terry/sim/base_board.py models (docs/serial-protocol.md).
#pragma once
#include <stdint.h>

// Wheel gearmotors: 12 counts per motor turn (quadrature) x 30:1 gearbox at the wheel.
#ifndef BASE_TICKS_PER_REV
#define BASE_TICKS_PER_REV 360  // encoder counts per wheel revolution
#endif
#ifndef BASE_MAX_SPEED
#define BASE_MAX_SPEED 20.0f  // rad/s at the wheel: the motors' no-load speed; faster is refused
#endif
#ifndef BASE_MAX_ACCEL
#define BASE_MAX_ACCEL 40.0f  // rad/s^2 at the wheel
#endif
// The wheels' PID gains: PWM per rad of tracking error, per rad*s of its integral, per rad/s.
#ifndef BASE_KP
#define BASE_KP 300.0f
#endif
#ifndef BASE_KI
#define BASE_KI 200.0f
#endif
#ifndef BASE_KD
#define BASE_KD 0.0f
#endif
// Run-time tuning (MotorTuning) may lower the speed limit, never raise it above BASE_MAX_SPEED,
// and set the acceleration up to this.
#ifndef BASE_ACCEL_CEILING
#define BASE_ACCEL_CEILING 100.0f  // rad/s^2 at the wheel
#endif
#ifndef BASE_MIN_PWM
#define BASE_MIN_PWM 14  // the gearmotors' breakaway PWM (measure it: the smallest that turns them)
#endif
#ifndef BASE_DEADZONE
#define BASE_DEADZONE 0.03f  // rad (1.7 encoder counts) of rest around a stopped reference
#endif
#ifndef BASE_BATTERY_FULL_SCALE_MV
// The battery voltage at which the ADC reads 1023: 5 V reference x (R1 + R2) / R2 with the
// divider R1 = 10 k (battery side), R2 = 4.7 k (ground side): a 3S LiPo's 12.6 V reads 4.03 V.
#define BASE_BATTERY_FULL_SCALE_MV 15638UL
#endif
#define BASE_BATTERY_MS 1000   // a Battery report each second
#define BASE_WATCHDOG_MS 250   // without a WheelVelocity the wheels stop
#define BASE_CONTROL_US 10000UL  // 100 Hz control loop
#define BASE_ENCODERS_MS 100   // unsolicited Encoders while no command arrives
#define BASE_STATUS_MS 200

void base_setup();
void base_loop();
