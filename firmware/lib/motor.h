// One motor axis under closed-loop control, shared by the pan unit and the base's drive motors
// (another build configuration: see MotorConfig). A reference position moves at a commanded,
// acceleration-limited speed; a PID on encoder angle (unwrapped, rad at the output) tracks it
// with a speed feed-forward. Position mode brakes in time to stop on the target. Gains and the
// speed and acceleration limits can be changed at run time (tune(), link message MotorTuning).
#pragma once
#include <stdint.h>

const float MOTOR_GAIN_LIMIT = 100000.0f;  // the largest kp, ki or kd tune() takes
const float MOTOR_MIN_LIMIT = 0.001f;      // the smallest max_speed (rad/s), max_accel (rad/s^2)

struct MotorConfig {
  float counts_per_rad;  // encoder counts per radian of the driven output (after gears)
  float full_speed;      // rad/s at the output at full PWM: the speed feed-forward's scale
  float max_speed;       // rad/s: the fastest the reference moves
  float max_accel;       // rad/s^2
  float kp, ki, kd;      // PWM per rad of tracking error (and per rad*s, per rad/s)
  float min_angle, max_angle;  // soft limits (use +-1e30 for a continuous joint)
  float min_pwm;               // PWM at which the motor overcomes its friction
  float deadzone;              // rad: a stopped axis this close to its reference rests
};

// What MotorTuning carries: the PID's gains and the reference's limits.
struct MotorTuning {
  float kp, ki, kd, max_speed, max_accel;
};
// MotorTuning's payload after its axis byte: u32 kp, ki, kd (1/1000), max_speed (urad/s),
// max_accel (urad/s^2), little-endian.
MotorTuning motor_tuning(const uint8_t *payload);

class MotorAxis {
 public:
  enum Mode : uint8_t { HOLD = 0, POSITION = 1, VELOCITY = 2 };
  explicit MotorAxis(const MotorConfig &config) : c_(config) {}
  void reset(int32_t counts);                // the reference follows the encoder, motor off
  bool position(float target);               // false: outside the soft limits
  bool velocity(float speed);                // false: faster than max_speed
  void hold();                               // decelerate, then hold where it stopped
  void stop(int32_t counts);                 // at once: brake, hold the current angle
  // New gains and limits; false (nothing changes) for a gain outside 0..MOTOR_GAIN_LIMIT or a
  // limit outside MOTOR_MIN_LIMIT..its ceiling (the build's safe maximum).
  bool tune(const MotorTuning &t, float speed_ceiling, float accel_ceiling);
  int16_t update(int32_t counts, float dt);  // PWM for this control period
  float angle() const { return angle_; }
  float speed() const { return speed_; }
  float reference() const { return ref_; }
  float reference_speed() const { return ref_speed_; }
  Mode mode() const { return mode_; }
  float max_speed() const { return c_.max_speed; }

 private:
  MotorConfig c_;
  Mode mode_ = HOLD;
  float target_ = 0, wanted_ = 0;       // position target; wanted speed (velocity mode)
  float ref_ = 0, ref_speed_ = 0;       // the reference the PID tracks
  float angle_ = 0, speed_ = 0;         // measured
  float integral_ = 0, last_error_ = 0;
  bool stopped_ = true;
};
