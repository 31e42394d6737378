// The IMU board's hardware layer on an Arduino Uno/Nano: MPU-6050 at I2C address 0x68
// (SDA=A4, SCL=A5, AD0 to GND), 400 kHz; the digital low-pass filter at 44 Hz.
#include <Arduino.h>
#include <Wire.h>
#include "hal.h"

namespace {
const uint8_t MPU = 0x68, PWR_MGMT_1 = 0x6B, CONFIG = 0x1A, GYRO_CONFIG = 0x1B,
              ACCEL_CONFIG = 0x1C, ACCEL_XOUT_H = 0x3B;
const uint32_t BAUD = 115200;

bool write_register(uint8_t reg, uint8_t value) {
  Wire.beginTransmission(MPU);
  Wire.write(reg);
  Wire.write(value);
  return Wire.endTransmission() == 0;
}

uint8_t range_bits(uint16_t range, uint16_t smallest) {
  uint8_t bits = 0;
  while (smallest < range) smallest <<= 1, bits++;
  return bits << 3;
}
}  // namespace

void hal_begin() {
  Serial.begin(BAUD);
  Wire.begin();
  Wire.setClock(400000);
  write_register(PWR_MGMT_1, 0x01);  // awake, clocked from the X gyro
  write_register(CONFIG, 0x03);      // DLPF 44 Hz
}

bool hal_imu_configure(uint8_t accel_range_g, uint16_t gyro_range_dps) {
  return write_register(GYRO_CONFIG, range_bits(gyro_range_dps, 250)) &&
         write_register(ACCEL_CONFIG, range_bits(accel_range_g, 2));
}

bool hal_imu_read(int16_t raw[6]) {
  Wire.beginTransmission(MPU);
  Wire.write(ACCEL_XOUT_H);
  if (Wire.endTransmission(false) != 0) return false;
  if (Wire.requestFrom(MPU, (uint8_t)14) != 14) return false;
  uint8_t b[14];
  for (uint8_t i = 0; i < 14; i++) b[i] = Wire.read();
  for (uint8_t i = 0; i < 3; i++) raw[i] = (int16_t)(b[2 * i] << 8 | b[2 * i + 1]);
  for (uint8_t i = 0; i < 3; i++) raw[3 + i] = (int16_t)(b[8 + 2 * i] << 8 | b[9 + 2 * i]);
  return true;
}

uint32_t hal_baud() { return BAUD; }  // the rest of the serial layer: lib/hal_avr_common.cpp

// Unused on this board, defined so the shared layer links.
void hal_motor_pwm(uint8_t, int16_t) {}
int32_t hal_encoder(uint8_t) { return 0; }
void hal_servo_us(uint8_t, uint16_t) {}
