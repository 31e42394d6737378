// The base firmware built for the host: `base_host LINK_PATH` serves it on a pty, its two motor
// channels driving a simulated pair of wheel gearmotors, its battery pin a draining battery
// (plant.h; TERRY_SIM_BATTERY: its charge at start, 0..1). host/hal_host.cpp (pty, clock, host_main)
// is compiled in here with this plant in place of its pan plant.
#include "../lib/base_app.h"
#include "plant.h"

// Two wheel gearmotors: 20 rad/s no-load at the wheel, plant.h's time constant and friction
// deadband, BASE_TICKS_PER_REV encoder counts per wheel turn.
const double WHEEL_SPEED = 20.0;  // rad/s at full PWM

struct TwoWheels {
  double angle[2] = {0, 0}, speed[2] = {0, 0};
  double motor_angle = 0;  // hal_host's TERRY_SIM_PAN start angle: no pan on the base
  int16_t pwm_[2] = {0, 0};
  Battery battery;
  TwoWheels() {
    const char *charge = getenv("TERRY_SIM_BATTERY");
    if (charge) battery.charge = atof(charge);
  }
  void pwm(uint8_t i, int16_t value) { pwm_[i] = value; }
  int32_t encoder(uint8_t i) const {
    return (int32_t)floor(angle[i] * BASE_TICKS_PER_REV / (2 * M_PI));
  }
  void servo(uint8_t, uint16_t) {}
  void advance(double dt) {
    battery.advance(dt, (abs(pwm_[0]) + abs(pwm_[1])) / 255.0);
    for (int i = 0; i < 2; i++) {
      double target = abs(pwm_[i]) < DEADBAND ? 0 : pwm_[i] / 255.0 * WHEEL_SPEED;
      speed[i] += (target - speed[i]) * (1 - exp(-dt / MOTOR_TAU));
      angle[i] += speed[i] * dt;
    }
  }
};

#define Plant TwoWheels
#include "hal_host.cpp"
#undef Plant

uint16_t hal_battery_adc() {  // the divider of lib/base_app.h, a 10-bit ADC
  double reading = plant.battery.volts() * 1000 * 1023 / BASE_BATTERY_FULL_SCALE_MV;
  return (uint16_t)fmin(1023.0, fmax(0.0, lround(reading)));
}

int main(int argc, char **argv) { return host_main(argc, argv, base_setup, base_loop); }
