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

// The base's 3S LiPo (src/terry/sim/base_board.py models the same): open-circuit voltage linear in
// the charge from 10.2 V (empty) to 12.6 V (full), 0.1 ohm inside, 2.2 Ah; it drains 0.25 A at
// idle and up to 1.5 A per wheel at full PWM.
struct Battery {
  double charge = 1.0;  // of the capacity; TERRY_SIM_BATTERY sets it at start
  double current = 0;   // A
  void advance(double dt, double effort) {  // effort: the sum of |PWM| / 255 over the wheels
    current = 0.25 + 1.5 * effort;
    charge = fmax(0.0, charge - current * dt / (2.2 * 3600));
  }
  double volts() const { return 10.2 + 2.4 * charge - 0.1 * current; }
};

// A resting MPU-6050: gravity seen at a fixed roll and pitch, a constant gyro bias, white noise
// at the datasheet's densities (accel 400 ug/sqrt(Hz), gyro 0.005 deg/s/sqrt(Hz), 44 Hz band).
const double GRAVITY = 9.80665;
const double ACCEL_NOISE = 400e-6 * GRAVITY * sqrt(44.0);           // m/s^2 rms
const double GYRO_NOISE = 0.005 * M_PI / 180 * sqrt(44.0);          // rad/s rms
const double GYRO_BIAS[3] = {0.02, -0.015, 0.01};                   // rad/s

struct ImuPlant {
  double roll = 0, pitch = 0;
  double accel_lsb = 16384 / GRAVITY, gyro_lsb = 131 * 180 / M_PI;  // counts per SI unit
  uint32_t rng = 12345;
  void configure(uint8_t accel_g, uint16_t gyro_dps) {
    accel_lsb = 32768.0 / accel_g / GRAVITY;
    gyro_lsb = 32768.0 / gyro_dps * 180 / M_PI;
  }
  double gaussian() {  // Box-Muller on a xorshift generator
    double u[2];
    for (double &x : u) {
      rng ^= rng << 13, rng ^= rng >> 17, rng ^= rng << 5;
      x = (rng + 1.0) / 4294967297.0;
    }
    return sqrt(-2 * log(u[0])) * cos(2 * M_PI * u[1]);
  }
  static int16_t saturate(double v) {
    return (int16_t)(v > 32767 ? 32767 : v < -32768 ? -32768 : lround(v));
  }
  void read(int16_t raw[6]) {
    // Gravity in the sensor frame (REP 103: z up at rest, so the accelerometer reads +g on z).
    double g[3] = {-sin(pitch) * GRAVITY, sin(roll) * cos(pitch) * GRAVITY,
                   cos(roll) * cos(pitch) * GRAVITY};
    for (int i = 0; i < 3; i++) raw[i] = saturate((g[i] + ACCEL_NOISE * gaussian()) * accel_lsb);
    for (int i = 0; i < 3; i++)
      raw[3 + i] = saturate((GYRO_BIAS[i] + GYRO_NOISE * gaussian()) * gyro_lsb);
  }
};
