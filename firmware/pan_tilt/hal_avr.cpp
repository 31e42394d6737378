// The pan/tilt board's hardware layer on an Arduino Uno/Nano (ATmega328P).
// Wiring (docs/firmware.md): TB6612FNG PWMA=D5, AIN1=D7, AIN2=D8, STBY=D4; motor encoder
// A=D2 (INT0), B=D3 (INT1), quadrature x4; tilt servo signal on D9 (Timer1, OC1A).
#include <Arduino.h>
#include "hal.h"

namespace {
const uint8_t PWMA = 5, AIN1 = 7, AIN2 = 8, STBY = 4, ENC_A = 2, ENC_B = 3;
const uint32_t BAUD = 115200;
volatile int32_t counts = 0;
volatile uint8_t last_ab = 0;
// Quadrature x4: index (previous AB << 2 | new AB) -> step.
const int8_t STEP[16] = {0, 1, -1, 0, -1, 0, 0, 1, 1, 0, 0, -1, 0, -1, 1, 0};

void on_edge() {
  uint8_t ab = (PIND >> 2) & 0x03;  // D2, D3
  counts += STEP[(last_ab << 2) | ab];
  last_ab = ab;
}
}  // namespace

void hal_begin() {
  Serial.begin(BAUD);
  pinMode(PWMA, OUTPUT);
  pinMode(AIN1, OUTPUT);
  pinMode(AIN2, OUTPUT);
  pinMode(STBY, OUTPUT);
  digitalWrite(STBY, HIGH);
  pinMode(ENC_A, INPUT_PULLUP);
  pinMode(ENC_B, INPUT_PULLUP);
  last_ab = (PIND >> 2) & 0x03;
  attachInterrupt(digitalPinToInterrupt(ENC_A), on_edge, CHANGE);
  attachInterrupt(digitalPinToInterrupt(ENC_B), on_edge, CHANGE);
  // Timer1: 50 Hz servo frame, 0.5 us steps, pulse on OC1A (D9).
  pinMode(9, OUTPUT);
  TCCR1A = _BV(COM1A1) | _BV(WGM11);
  TCCR1B = _BV(WGM13) | _BV(WGM12) | _BV(CS11);
  ICR1 = 39999;
  OCR1A = 3000;
}

uint32_t hal_baud() { return BAUD; }  // the rest of the serial layer: lib/hal_avr_common.cpp

void hal_motor_pwm(uint8_t, int16_t pwm) {
  if (pwm == 0) {  // short brake
    digitalWrite(AIN1, HIGH);
    digitalWrite(AIN2, HIGH);
    analogWrite(PWMA, 0);
    return;
  }
  digitalWrite(AIN1, pwm > 0);
  digitalWrite(AIN2, pwm < 0);
  analogWrite(PWMA, pwm > 0 ? pwm : -pwm);
}

int32_t hal_encoder(uint8_t) {
  noInterrupts();
  int32_t value = counts;
  interrupts();
  return value;
}

void hal_servo_us(uint8_t, uint16_t us) {
  if (us < 1000) us = 1000;
  if (us > 2000) us = 2000;
  OCR1A = us * 2;
}
