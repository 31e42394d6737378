// Simulated hardware behind the host build's HAL: the pan gearmotor (6 rpm, first-order speed
// response, a PWM deadband from friction), its quadrature encoder, the 24:80 gears to the pan
// tube, and a hobby servo that follows its pulse width.
// Wiring faults for the wiring test (terry.bringup.wiring): TERRY_SIM_PAN_FAULTS, a comma list of
// reversed_motor, reversed_encoder, dead_encoder, gear=F (the real gearing over the firmware's:
// F x the counts per pan turn). Each SIGUSR1 is a hand turning the pan tube one turn forward in
// 2 s. TERRY_SIM_TRUTH=FILE: at exit the plant writes there how far the motor drove the pan
// ("driven MIN MAX" in rad, the hand's turns left out) and "tilt RAD".
#pragma once
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HOST_FREE_RAM 1200
const double MOTOR_SPEED = 6 * 2 * M_PI / 60;  // rad/s at the gearmotor's output shaft
const double MOTOR_TAU = 0.05;                   // s
const int DEADBAND = 12;                         // PWM below which friction holds the motor
const double COUNTS_PER_MOTOR_TURN = 6600;

const double HAND_SPEED = M_PI;  // rad/s of the pan tube under a hand turning it

inline volatile sig_atomic_t &hand_turns() {  // SIGUSR1s not yet begun
  static volatile sig_atomic_t pending = 0;
  return pending;
}
inline void on_hand_turn(int) { hand_turns() = hand_turns() + 1; }

struct Plant {
  double motor_angle = 0, motor_speed = 0, servo_angle = 0;
  int16_t pwm_ = 0;
  bool reversed_motor = false, reversed_encoder = false, dead_encoder = false;
  double gear = 1;
  double hand_left = 0;                                // rad of the pan tube the hand still turns
  double driven = 0, driven_min = 0, driven_max = 0;  // rad of the pan tube the motor turned
  Plant() {
    const char *faults = getenv("TERRY_SIM_PAN_FAULTS");
    if (faults) {
      reversed_motor = strstr(faults, "reversed_motor") != nullptr;
      reversed_encoder = strstr(faults, "reversed_encoder") != nullptr;
      dead_encoder = strstr(faults, "dead_encoder") != nullptr;
      const char *ratio = strstr(faults, "gear=");
      if (ratio) gear = atof(ratio + 5);
    }
    signal(SIGUSR1, on_hand_turn);
  }
  ~Plant() {
    const char *path = getenv("TERRY_SIM_TRUTH");
    FILE *f = path ? fopen(path, "w") : nullptr;
    if (!f) return;
    fprintf(f, "driven %.6f %.6f\ntilt %.6f\n", driven_min, driven_max, servo_angle);
    fclose(f);
  }
  void pwm(uint8_t, int16_t value) { pwm_ = value; }
  int32_t encoder(uint8_t) const {
    if (dead_encoder) return 0;
    int32_t counts = (int32_t)floor(motor_angle * COUNTS_PER_MOTOR_TURN / (2 * M_PI));
    return reversed_encoder ? -counts : counts;
  }
  void servo(uint8_t, uint16_t us) { servo_angle = (us - 1500) * (M_PI / 2) / 1000; }
  void advance(double dt) {
    if (hand_turns() > 0) {
      hand_turns() = hand_turns() - 1;
      hand_left += 2 * M_PI;
    }
    double target = abs(pwm_) < DEADBAND ? 0 : pwm_ / 255.0 * MOTOR_SPEED;
    motor_speed += ((reversed_motor ? -target : target) - motor_speed) * (1 - exp(-dt / MOTOR_TAU));
    if (hand_left > 0) {  // the hand wins over the motor
      double step = fmin(hand_left, HAND_SPEED * dt);
      hand_left -= step;
      motor_angle += step / pan_angle_per_motor_angle();
      motor_speed = hand_left > 0 ? step / dt / pan_angle_per_motor_angle() : 0;  // held at the end
      return;
    }
    motor_angle += motor_speed * dt;
    driven += motor_speed * dt * pan_angle_per_motor_angle();
    driven_min = fmin(driven_min, driven), driven_max = fmax(driven_max, driven);
  }
  double pan_angle_per_motor_angle() const { return 24.0 / 80 / gear; }
  double pan_angle() const { return motor_angle * pan_angle_per_motor_angle(); }
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
