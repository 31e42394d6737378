#include "base_app.h"
#include <math.h>
#include "board.h"
#include "motor.h"

namespace {

const float PI_F = 3.14159265f;
const MotorConfig WHEEL = {
    BASE_TICKS_PER_REV / (2 * PI_F), BASE_MAX_SPEED, BASE_MAX_SPEED, BASE_MAX_ACCEL,
    BASE_KP, BASE_KI, BASE_KD, -1e30f, 1e30f, BASE_MIN_PWM, BASE_DEADZONE,
};

struct App {
  Board board{tlink::FIRMWARE_BASE, 1, BASE_TICKS_PER_REV};
  MotorAxis wheel[2] = {MotorAxis(WHEEL), MotorAxis(WHEEL)};
  bool estop = false, watchdog = false, commanded = false;
  uint8_t acked = 0;  // seq of the last WheelVelocity, named by every Encoders report
  uint32_t last_command = 0, last_control = 0, last_encoders = 0, last_status = 0;
  uint32_t last_battery = 0;

  void stop() {
    for (uint8_t i = 0; i < 2; i++) wheel[i].stop(hal_encoder(i));
  }

  void handle(const tlink::Frame &f) {
    if (f.type == tlink::ESTOP) {
      estop = f.payload[0] != 0;
      if (estop) stop();
      board.ack(f, tlink::ACK_OK);
    } else if (f.type == tlink::WHEEL_VELOCITY) {
      uint8_t status = command(f);
      if (status != tlink::ACK_OK) board.ack(f, status);  // success is the Encoders reply
      encoders(f.seq);
    } else if (f.type == tlink::MOTOR_TUNING) {  // axis 0: left wheel, 1: right wheel
      uint8_t axis = f.payload[0];
      bool ok = axis < 2 && wheel[axis].tune(motor_tuning(f.payload + 1), BASE_MAX_SPEED,
                                             BASE_ACCEL_CEILING);
      board.ack(f, ok ? tlink::ACK_OK : tlink::ACK_OUT_OF_RANGE);
    } else {
      board.ack(f, tlink::ACK_UNKNOWN_TYPE);  // a message meant for another board
    }
  }

  uint8_t command(const tlink::Frame &f) {
    last_command = hal_micros() / 1000;
    commanded = true;
    watchdog = false;
    if (estop) {
      stop();
      return tlink::ACK_ESTOPPED;
    }
    float target[2];
    for (uint8_t i = 0; i < 2; i++) {
      target[i] = (int16_t)tlink::get16(f.payload + 2 * i) * 1e-3f;  // mrad/s
      if (!(fabsf(target[i]) <= wheel[i].max_speed())) {  // BASE_MAX_SPEED unless tuned
        stop();
        return tlink::ACK_OUT_OF_RANGE;
      }
    }
    for (uint8_t i = 0; i < 2; i++) wheel[i].velocity(target[i]);
    return tlink::ACK_OK;
  }

  void encoders(uint8_t seq) {
    uint32_t now = hal_micros() / 1000;
    acked = seq;
    last_encoders = now;
    uint8_t p[11];
    tlink::put16(p, (uint16_t)now);
    p[2] = seq;
    tlink::put32(p + 3, (uint32_t)hal_encoder(0));
    tlink::put32(p + 7, (uint32_t)hal_encoder(1));
    board.send(tlink::ENCODERS, p, 11);
  }

  void battery() {
    uint8_t p[2];
    tlink::put16(p, (uint16_t)(hal_battery_adc() * BASE_BATTERY_FULL_SCALE_MV / 1023));
    board.send(tlink::BATTERY, p, 2);
  }

  void control(uint32_t now_us) {
    float dt = (now_us - last_control) * 1e-6f;
    last_control = now_us;
    if (commanded && now_us / 1000 - last_command > BASE_WATCHDOG_MS) {
      commanded = false;
      watchdog = true;
      stop();
    }
    for (uint8_t i = 0; i < 2; i++) hal_motor_pwm(i, wheel[i].update(hal_encoder(i), dt));
  }
};

App app;

}  // namespace

void base_setup() {
  for (uint8_t i = 0; i < 2; i++) app.wheel[i].reset(hal_encoder(i));
  app.last_control = hal_micros();
}

void base_loop() {
  app.board.poll(app);
  uint32_t now_us = hal_micros(), now = now_us / 1000;
  if (now_us - app.last_control >= BASE_CONTROL_US) app.control(now_us);
  if (now - app.last_encoders >= BASE_ENCODERS_MS) app.encoders(app.acked);
  if (now - app.last_battery >= BASE_BATTERY_MS) {
    app.last_battery = now;
    app.battery();
  }
  if (now - app.last_status >= BASE_STATUS_MS) {
    app.last_status = now;
    app.board.status((app.estop ? tlink::FLAG_ESTOP : 0) |
                     (app.watchdog ? tlink::FLAG_WATCHDOG : 0));
  }
}
