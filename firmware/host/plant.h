// Simulated hardware behind the host build's HAL: the pan gearmotor (6 rpm, first-order speed
// response, a PWM deadband from friction), its quadrature encoder, the 24:80 gears to the pan
// tube, and a hobby servo that follows its pulse width.
#pragma once
#include <math.h>
#include <stdint.h>

#define HOST_FREE_RAM 1200
const double MOTOR_SPEED = 6 * 2 * M_PI / 60;  // rad/s at the gearmotor's output shaft
const double MOTOR_TAU = 0.05;                   // s
const int DEADBAND = 12;                         // PWM below which friction holds the motor
const double COUNTS_PER_MOTOR_TURN = 6600;

struct Plant {
  double motor_angle = 0, motor_speed = 0, servo_angle = 0;
  int16_t pwm_ = 0;
  void pwm(uint8_t, int16_t value) { pwm_ = value; }
  int32_t encoder(uint8_t) const {
    return (int32_t)floor(motor_angle * COUNTS_PER_MOTOR_TURN / (2 * M_PI));
  }
  void servo(uint8_t, uint16_t us) { servo_angle = (us - 1500) * (M_PI / 2) / 1000; }
  void advance(double dt) {
    double target = abs(pwm_) < DEADBAND ? 0 : pwm_ / 255.0 * MOTOR_SPEED;
    motor_speed += (target - motor_speed) * (1 - exp(-dt / MOTOR_TAU));
    motor_angle += motor_speed * dt;
  }
  double pan_angle() const { return motor_angle * 24 / 80; }
};
