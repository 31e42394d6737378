// The small hardware layer between Terry's firmware logic and a board: the AVR build implements
// it with the Arduino core (hal_avr_*.cpp), the host-native build with a pty and a plant model.
#pragma once
#include <stdint.h>

void hal_begin();  // AVR: serial port, pins, timers, interrupts (the host build needs none)
uint32_t hal_micros();
int hal_serial_read();                       // a byte, or -1 when none is waiting
void hal_serial_write(const uint8_t *data, uint8_t len);
uint16_t hal_free_ram();
uint32_t hal_baud();

// Motor channel i: pwm in -255..255 (sign = direction), 0 brakes; encoder counts, cumulative.
void hal_motor_pwm(uint8_t i, int16_t pwm);
int32_t hal_encoder(uint8_t i);
// The battery's voltage divider on an analog pin: the raw 10-bit reading (0..1023).
uint16_t hal_battery_adc();
// Hobby servo pulse width on channel i.
void hal_servo_us(uint8_t i, uint16_t us);

// An MPU-6050-class IMU: set ranges (g, deg/s); read raw counts ax, ay, az, gx, gy, gz.
bool hal_imu_configure(uint8_t accel_range_g, uint16_t gyro_range_dps);
bool hal_imu_read(int16_t raw[6]);
