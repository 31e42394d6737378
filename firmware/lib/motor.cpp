#include "motor.h"
#include <math.h>
#include "terry_link.h"

static float clampf(float v, float lo, float hi) { return v < lo ? lo : v > hi ? hi : v; }
static bool within(float v, float lo, float hi) { return v >= lo && v <= hi; }  // false for NaN

MotorTuning motor_tuning(const uint8_t *p) {
  // Gains divided (exact at the limit); limits scaled as motion commands are, so a command at
  // the tuned limit compares equal to it.
  return {tlink::get32(p) / 1000.0f, tlink::get32(p + 4) / 1000.0f, tlink::get32(p + 8) / 1000.0f,
          tlink::get32(p + 12) * 1e-6f, tlink::get32(p + 16) * 1e-6f};
}

bool MotorAxis::tune(const MotorTuning &t, float speed_ceiling, float accel_ceiling) {
  if (!(within(t.kp, 0, MOTOR_GAIN_LIMIT) && within(t.ki, 0, MOTOR_GAIN_LIMIT) &&
        within(t.kd, 0, MOTOR_GAIN_LIMIT) && within(t.max_speed, MOTOR_MIN_LIMIT, speed_ceiling) &&
        within(t.max_accel, MOTOR_MIN_LIMIT, accel_ceiling)))
    return false;
  // The integral term's output stays what it was, so a new ki does not kick the motor.
  integral_ = t.ki > 0 ? integral_ * c_.ki / t.ki : 0;
  c_.kp = t.kp, c_.ki = t.ki, c_.kd = t.kd;
  c_.max_speed = t.max_speed, c_.max_accel = t.max_accel;
  return true;
}

void MotorAxis::reset(int32_t counts) {
  angle_ = ref_ = target_ = counts / c_.counts_per_rad;
  speed_ = ref_speed_ = wanted_ = integral_ = last_error_ = 0;
  mode_ = HOLD;
  stopped_ = true;
}

bool MotorAxis::position(float target) {
  if (!(target >= c_.min_angle && target <= c_.max_angle)) return false;
  target_ = target;
  mode_ = POSITION;
  stopped_ = false;
  return true;
}

bool MotorAxis::velocity(float speed) {
  if (!(fabsf(speed) <= c_.max_speed)) return false;
  wanted_ = speed;
  mode_ = VELOCITY;
  stopped_ = false;
  return true;
}

void MotorAxis::hold() {
  wanted_ = 0;
  mode_ = VELOCITY;  // decelerates at max_accel, then the reference stays put
  stopped_ = false;
}

void MotorAxis::stop(int32_t counts) {
  reset(counts);
}

int16_t MotorAxis::update(int32_t counts, float dt) {
  float angle = counts / c_.counts_per_rad;
  speed_ += ((angle - angle_) / dt - speed_) * 0.2f;  // low-passed measured speed
  angle_ = angle;
  if (stopped_) {  // turned by hand or pushed while stopped: start the next move from here
    ref_ = target_ = angle_;
    return 0;
  }
  // The fastest speed from which steps of max_accel * dt still stop exactly within `room`
  // (the discrete form of sqrt(2 a d)).
  float step_v = c_.max_accel * dt;
  auto brake = [&](float room) {
    return room <= 0 ? 0.0f : step_v * (sqrtf(0.25f + 2.0f * room / (step_v * dt)) - 0.5f);
  };
  float want = wanted_;
  if (mode_ == POSITION) {
    float to_go = target_ - ref_;
    want = to_go > 0 ? brake(to_go) : -brake(-to_go);
  }
  want = clampf(want, -c_.max_speed, c_.max_speed);  // also after a tune() lowered it
  // Every mode slows down in time to stop at a soft limit.
  want = clampf(want, -brake(ref_ - c_.min_angle), brake(c_.max_angle - ref_));
  ref_speed_ = clampf(want, ref_speed_ - step_v, ref_speed_ + step_v);
  float next = ref_ + ref_speed_ * dt;
  if (mode_ == POSITION && (next - target_) * (ref_ - target_) <= 0) {
    ref_speed_ = (target_ - ref_) / dt;  // the last, shorter step lands on the target
    next = target_;
  }
  // Soft limits bound the reference in every mode.
  if (next < c_.min_angle || next > c_.max_angle) {
    next = clampf(next, c_.min_angle, c_.max_angle);
    ref_speed_ = 0;
  }
  ref_ = next;
  float error = ref_ - angle_;
  integral_ = clampf(integral_ + error * dt, -50.0f / (c_.ki + 1e-6f), 50.0f / (c_.ki + 1e-6f));
  float derivative = (error - last_error_) / dt;
  last_error_ = error;
  float pwm = 255.0f * ref_speed_ / c_.full_speed + c_.kp * error + c_.ki * integral_ +
              c_.kd * derivative;
  if (ref_speed_ == 0 && fabsf(error) < c_.deadzone) {
    integral_ = 0;  // at rest on the reference: no hunting around it
    return 0;
  }
  if (fabsf(pwm) < c_.min_pwm) pwm = pwm < 0 ? -c_.min_pwm : c_.min_pwm;  // beat the friction
  return (int16_t)clampf(pwm, -255, 255);
}
