// The parts of the hardware layer (hal.h) that every AVR sketch shares: the clock, the USB serial
// port and the free RAM the handshake reports. Each sketch's hal_avr.cpp adds its own pins.
#include <Arduino.h>
#include "hal.h"

uint32_t hal_micros() { return micros(); }
int hal_serial_read() { return Serial.read(); }
void hal_serial_write(const uint8_t *data, uint8_t len) { Serial.write(data, len); }

uint16_t hal_free_ram() {
  extern char __heap_start, *__brkval;
  char top;
  return &top - (__brkval ? __brkval : &__heap_start);
}
