// One motor axis under closed-loop control, shared by the pan unit and the base's drive motors
// (another build configuration: see MotorConfig). A reference position moves at a commanded,
// acceleration-limited speed; a PID on encoder angle (unwrapped, rad at the output) tracks it
// with a speed feed-forward. Position mode brakes in time to stop on the target.
#pragma once
#include <stdint.h>

struct MotorConfig {
  float counts_per_rad;  // encoder counts per radian of the driven output (after gears)
  float max_speed;       // rad/s at the output, at full PWM
  float max_accel;       // rad/s^2
  float kp, ki, kd;      // PWM per rad of tracking error (and per rad*s, per rad/s)
  float min_angle, max_angle;  // soft limits (use +-1e30 for a continuous joint)
  float min_pwm;               // PWM at which the motor overcomes its friction
  float deadzone;              // rad: a stopped axis this close to its reference rests
};

class MotorAxis {
 public:
  enum Mode : uint8_t { HOLD = 0, POSITION = 1, VELOCITY = 2 };
  explicit MotorAxis(const MotorConfig &config) : c_(config) {}
  void reset(int32_t counts);                // the reference follows the encoder, motor off
  bool position(float target);               // false: outside the soft limits
  bool velocity(float speed);                // false: faster than max_speed
  void hold();                               // decelerate, then hold where it stopped
  void stop(int32_t counts);                 // at once: brake, hold the current angle
  int16_t update(int32_t counts, float dt);  // PWM for this control period
  float angle() const { return angle_; }
  float speed() const { return speed_; }
  float reference() const { return ref_; }
  float reference_speed() const { return ref_speed_; }
  Mode mode() const { return mode_; }

 private:
  MotorConfig c_;
  Mode mode_ = HOLD;
  float target_ = 0, wanted_ = 0;       // position target; wanted speed (velocity mode)
  float ref_ = 0, ref_speed_ = 0;       // the reference the PID tracks
  float angle_ = 0, speed_ = 0;         // measured
  float integral_ = 0, last_error_ = 0;
  bool stopped_ = true;
};
