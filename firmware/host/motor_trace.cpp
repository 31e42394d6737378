// MotorAxis on the simulated pan gearmotor at 100 Hz, for the control tests:
//   motor_trace MODE VALUE SECONDS [MIN_ANGLE MAX_ANGLE]   (MODE: position | velocity)
// prints "t reference reference_speed angle pwm" per control period.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../lib/motor.h"
#include "../lib/pan_tilt_app.h"
#include "plant.h"

int main(int argc, char **argv) {
  if (argc != 4 && argc != 6) {
    fprintf(stderr, "usage: motor_trace position|velocity VALUE SECONDS [MIN MAX]\n");
    return 2;
  }
  MotorConfig config = {PAN_COUNTS_PER_TURN / (2 * 3.14159265f), PAN_MAX_SPEED, PAN_MAX_SPEED,
                        PAN_MAX_ACCEL, PAN_KP, PAN_KI, PAN_KD, -1e30f, 1e30f,
                        PAN_MIN_PWM, PAN_DEADZONE};
  if (argc == 6) config.min_angle = atof(argv[4]), config.max_angle = atof(argv[5]);
  MotorAxis axis(config);
  Plant plant;
  axis.reset(plant.encoder(0));
  bool ok = !strcmp(argv[1], "position") ? axis.position(atof(argv[2])) : axis.velocity(atof(argv[2]));
  if (!ok) {
    printf("refused\n");
    return 0;
  }
  const double dt = 0.01;
  for (int i = 0; i * dt < atof(argv[3]); i++) {
    int16_t pwm = axis.update(plant.encoder(0), dt);
    plant.pwm(0, pwm);
    for (int k = 0; k < 10; k++) plant.advance(dt / 10);
    printf("%.2f %.6f %.6f %.6f %d\n", i * dt, axis.reference(), axis.reference_speed(),
           plant.pan_angle(), pwm);
  }
  return 0;
}
