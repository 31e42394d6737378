// The base board's hardware layer on an Arduino Uno/Nano (ATmega328P).
// Wiring (docs/base-firmware.md): one TB6612FNG, STBY=D4; left motor (channel A) PWMA=D5,
// AIN1=D7, AIN2=D8; right motor (channel B) PWMB=D6, BIN1=D9, BIN2=D10 (D5/D6: Timer0 PWM).
// Encoders, quadrature x4: left A=D2 (INT0), B=D3 (INT1); the 328P has only these two external
// interrupts, so the right encoder uses pin-change interrupts: A=A0 (PCINT8), B=A1 (PCINT9),
// both on port C's PCINT1 vector. Battery: a divider (10 k to the battery, 4.7 k to ground) on A2.
#include <Arduino.h>
#include "hal.h"

namespace {
const uint8_t STBY = 4, PWM[2] = {5, 6}, IN1[2] = {7, 9}, IN2[2] = {8, 10};
const uint8_t LEFT_A = 2, LEFT_B = 3, RIGHT_A = A0, RIGHT_B = A1, BATTERY = A2;
const uint32_t BAUD = 115200;
volatile int32_t counts[2] = {0, 0};
volatile uint8_t last_ab[2] = {0, 0};
// Quadrature x4: index (previous AB << 2 | new AB) -> step.
const int8_t STEP[16] = {0, 1, -1, 0, -1, 0, 0, 1, 1, 0, 0, -1, 0, -1, 1, 0};

inline void step(uint8_t i, uint8_t ab) {
  counts[i] += STEP[(last_ab[i] << 2) | ab];
  last_ab[i] = ab;
}

void on_left_edge() { step(0, (PIND >> 2) & 0x03); }  // D2, D3
}  // namespace

ISR(PCINT1_vect) { step(1, PINC & 0x03); }  // A0, A1

void hal_begin() {
  Serial.begin(BAUD);
  pinMode(STBY, OUTPUT);
  for (uint8_t i = 0; i < 2; i++) {
    pinMode(PWM[i], OUTPUT);
    pinMode(IN1[i], OUTPUT);
    pinMode(IN2[i], OUTPUT);
  }
  digitalWrite(STBY, HIGH);
  pinMode(LEFT_A, INPUT_PULLUP);
  pinMode(LEFT_B, INPUT_PULLUP);
  pinMode(RIGHT_A, INPUT_PULLUP);
  pinMode(RIGHT_B, INPUT_PULLUP);
  last_ab[0] = (PIND >> 2) & 0x03;
  last_ab[1] = PINC & 0x03;
  attachInterrupt(digitalPinToInterrupt(LEFT_A), on_left_edge, CHANGE);
  attachInterrupt(digitalPinToInterrupt(LEFT_B), on_left_edge, CHANGE);
  PCMSK1 |= _BV(PCINT8) | _BV(PCINT9);
  PCIFR |= _BV(PCIF1);
  PCICR |= _BV(PCIE1);
}

uint32_t hal_baud() { return BAUD; }  // the rest of the serial layer: lib/hal_avr_common.cpp

void hal_motor_pwm(uint8_t i, int16_t pwm) {
  if (pwm == 0) {  // short brake
    digitalWrite(IN1[i], HIGH);
    digitalWrite(IN2[i], HIGH);
    analogWrite(PWM[i], 0);
    return;
  }
  digitalWrite(IN1[i], pwm > 0);
  digitalWrite(IN2[i], pwm < 0);
  analogWrite(PWM[i], pwm > 0 ? pwm : -pwm);
}

uint16_t hal_battery_adc() { return analogRead(BATTERY); }

int32_t hal_encoder(uint8_t i) {
  noInterrupts();
  int32_t value = counts[i];
  interrupts();
  return value;
}
