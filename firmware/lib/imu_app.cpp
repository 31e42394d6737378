#include "imu_app.h"
#include "board.h"

namespace {

struct App {
  Board board{tlink::FIRMWARE_IMU, 1, IMU_DEFAULT_RATE};
  uint32_t period_us = 1000000UL / IMU_DEFAULT_RATE, next_sample = 0, last_status = 0;
  uint8_t flags = 0;
  uint16_t read_errors = 0;

  static bool valid_ranges(uint8_t accel, uint16_t gyro) {
    return (accel == 2 || accel == 4 || accel == 8 || accel == 16) &&
           (gyro == 250 || gyro == 500 || gyro == 1000 || gyro == 2000);
  }

  void handle(const tlink::Frame &f) {
    if (f.type == tlink::IMU_CONFIG) {
      uint8_t accel = f.payload[0];
      uint16_t gyro = tlink::get16(f.payload + 1), rate = tlink::get16(f.payload + 3);
      if (!valid_ranges(accel, gyro) || rate < IMU_MIN_RATE || rate > IMU_MAX_RATE ||
          !hal_imu_configure(accel, gyro)) {
        board.ack(f, tlink::ACK_OUT_OF_RANGE);
        return;
      }
      period_us = 1000000UL / rate;
      board.ack(f, tlink::ACK_OK);
    } else if (f.type == tlink::ESTOP) {
      board.ack(f, tlink::ACK_OK);  // nothing to stop on this board
    } else {
      board.ack(f, tlink::ACK_UNKNOWN_TYPE);
    }
  }

  void sample(uint32_t now_us) {
    int16_t raw[6];
    if (!hal_imu_read(raw)) {
      read_errors++;
      return;
    }
    uint8_t p[16];
    tlink::put32(p, now_us);
    for (uint8_t i = 0; i < 6; i++) tlink::put16(p + 4 + 2 * i, (uint16_t)raw[i]);
    board.send(tlink::IMU_SAMPLE, p, 16);
  }
};

App app;

}  // namespace

void imu_setup() {
  hal_imu_configure(2, 250);
  app.next_sample = hal_micros();
}

void imu_loop() {
  app.board.poll(app);
  uint32_t now_us = hal_micros();
  if ((int32_t)(now_us - app.next_sample) >= 0) {
    app.next_sample += app.period_us;
    if ((int32_t)(now_us - app.next_sample) >= 0) app.next_sample = now_us + app.period_us;  // fell behind by a whole period
    app.sample(now_us);
  }
  uint32_t now = now_us / 1000;
  if (now - app.last_status >= 200) {
    app.last_status = now;
    app.board.status(0);
  }
}
