#include "pan_tilt_app.h"
#include <math.h>
#include "board.h"
#include "motor.h"

namespace {

const float PI_F = 3.14159265f;
const MotorConfig PAN = {
    PAN_COUNTS_PER_TURN / (2 * PI_F), PAN_MAX_SPEED, PAN_MAX_SPEED, PAN_MAX_ACCEL,
    PAN_KP, PAN_KI, PAN_KD, -1e30f, 1e30f, PAN_MIN_PWM, PAN_DEADZONE,
};

struct App {
  Board board{tlink::FIRMWARE_PAN_TILT, 1, PAN_COUNTS_PER_TURN};
  MotorAxis pan{PAN};
  bool estop = false, watchdog = false, commanded = false;
  int16_t tilt_target = 0;   // mrad
  float tilt = 0;            // rad, where the servo is heading at its slew rate
  uint32_t last_command = 0, last_control = 0, last_state = 0, last_status = 0;

  void handle(const tlink::Frame &f) {
    if (f.type == tlink::ESTOP) {
      estop = f.payload[0] != 0;
      if (estop) pan.stop(hal_encoder(0));
      board.ack(f, tlink::ACK_OK);
    } else if (f.type == tlink::PAN_TILT_COMMAND) {
      command(f);
    } else if (f.type == tlink::MOTOR_TUNING) {  // axis 0: the pan motor
      bool ok = f.payload[0] == 0 &&
                pan.tune(motor_tuning(f.payload + 1), PAN_MAX_SPEED, PAN_ACCEL_CEILING);
      board.ack(f, ok ? tlink::ACK_OK : tlink::ACK_OUT_OF_RANGE);
    } else {
      board.ack(f, tlink::ACK_UNKNOWN_TYPE);  // a message meant for another board
    }
  }

  void command(const tlink::Frame &f) {
    uint32_t now = hal_micros() / 1000;
    last_command = now;
    commanded = true;
    watchdog = false;
    uint8_t mode = f.payload[0];
    float pan_value = (int32_t)tlink::get32(f.payload + 1) * 1e-6f;
    int16_t tilt_mrad = (int16_t)tlink::get16(f.payload + 5);
    if (estop) {
      board.ack(f, tlink::ACK_ESTOPPED);
      return;
    }
    bool ok = mode <= 2 && tilt_mrad >= -TILT_LIMIT_MRAD && tilt_mrad <= TILT_LIMIT_MRAD;
    if (ok && mode == 1) ok = pan.position(pan_value);
    if (ok && mode == 2) ok = pan.velocity(pan_value);
    if (ok && mode == 0 && pan.mode() != MotorAxis::HOLD) pan.hold();
    if (!ok) {
      pan.hold();
      board.ack(f, tlink::ACK_OUT_OF_RANGE);
      return;
    }
    tilt_target = tilt_mrad;
    board.ack(f, tlink::ACK_OK);
  }

  void control(uint32_t now_us) {
    float dt = (now_us - last_control) * 1e-6f;
    last_control = now_us;
    uint32_t now = now_us / 1000;
    if (commanded && now - last_command > WATCHDOG_MS) {
      commanded = false;
      watchdog = true;
      pan.stop(hal_encoder(0));
    }
    hal_motor_pwm(0, pan.update(hal_encoder(0), dt));
    float target = tilt_target * 1e-3f, step = TILT_SPEED * dt;
    tilt = target > tilt + step ? tilt + step : target < tilt - step ? tilt - step : target;
    hal_servo_us(0, (uint16_t)(1500 + tilt * (1000.0f / (PI_F / 2))));
  }

  void report(uint32_t now) {
    uint8_t p[10];
    tlink::put16(p, (uint16_t)now);
    tlink::put32(p + 2, (uint32_t)(int32_t)lroundf(pan.angle() * 1e6f));
    tlink::put16(p + 6, (uint16_t)(int16_t)lroundf(pan.speed() * 1e3f));
    tlink::put16(p + 8, (uint16_t)(int16_t)lroundf(tilt * 1e3f));
    board.send(tlink::PAN_TILT_STATE, p, 10);
  }
};

App app;

}  // namespace

void pan_tilt_setup() {
  app.pan.reset(hal_encoder(0));
  app.last_control = hal_micros();
}

void pan_tilt_loop() {
  app.board.poll(app);
  uint32_t now_us = hal_micros(), now = now_us / 1000;
  if (now_us - app.last_control >= CONTROL_US) app.control(now_us);
  if (now - app.last_state >= STATE_MS) {
    app.last_state = now;
    app.report(now);
  }
  if (now - app.last_status >= STATUS_MS) {
    app.last_status = now;
    app.board.status((app.estop ? tlink::FLAG_ESTOP : 0) |
                     (app.watchdog ? tlink::FLAG_WATCHDOG : 0));
  }
}
