// The pan/tilt unit's firmware logic, hardware-free: pan gearmotor (motor channel 0, encoder 0)
// under MotorAxis control, tilt servo (servo channel 0), watchdog and e-stop.
#pragma once
#include <stdint.h>

// Pan drive: a 6 rpm gearmotor, 24-tooth pinion on an 80-tooth gear on the pan tube; quadrature
// encoder on the motor: 11 lines x4 edges x 150:1 gearbox = 6600 counts per gearmotor turn.
#ifndef PAN_COUNTS_PER_TURN
#define PAN_COUNTS_PER_TURN 22000  // 6600 x 80 / 24 counts per turn of the pan tube
#endif
#ifndef PAN_MAX_SPEED
#define PAN_MAX_SPEED 0.17f  // rad/s: 90% of the no-load 6 rpm x 24/80 = 0.1885, headroom for the PID
#endif
#ifndef PAN_MAX_ACCEL
#define PAN_MAX_ACCEL 0.5f  // rad/s^2
#endif
// The PID's gains: PWM per rad of tracking error, per rad*s of its integral, per rad/s.
#ifndef PAN_KP
#define PAN_KP 3000.0f
#endif
#ifndef PAN_KI
#define PAN_KI 2000.0f
#endif
#ifndef PAN_KD
#define PAN_KD 0.0f
#endif
// Run-time tuning (MotorTuning) may lower the speed limit, never raise it above PAN_MAX_SPEED,
// and set the acceleration up to this.
#ifndef PAN_ACCEL_CEILING
#define PAN_ACCEL_CEILING 2.0f  // rad/s^2
#endif
#ifndef PAN_MIN_PWM
#define PAN_MIN_PWM 14  // the gearmotor's breakaway PWM (measure it: the smallest that turns it)
#endif
#ifndef PAN_DEADZONE
#define PAN_DEADZONE 0.001f  // rad (3.5 encoder counts) of rest around a reached target
#endif
#ifndef TILT_LIMIT_MRAD
#define TILT_LIMIT_MRAD 600
#endif
#ifndef TILT_SPEED
#define TILT_SPEED 3.0f  // rad/s, the servo's slew rate used for the reported tilt
#endif
#define WATCHDOG_MS 250
#define CONTROL_US 10000UL  // 100 Hz control loop
#define STATE_MS 20         // PanTiltState at 50 Hz
#define STATUS_MS 200

void pan_tilt_setup();
void pan_tilt_loop();
