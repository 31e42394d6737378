// The hardware layer on the host: the serial port is a pty (its slave path symlinked where the
// driver expects the board), the clock is the wall clock, and motors and servos drive a plant.
#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include "../lib/hal.h"
#include "plant.h"

static int master_fd = -1;
static const char *link_path = nullptr;
static timespec start;
static Plant plant;
static ImuPlant imu;
static volatile sig_atomic_t running = 1;

uint32_t hal_micros() {
  timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (uint32_t)((now.tv_sec - start.tv_sec) * 1000000LL + (now.tv_nsec - start.tv_nsec) / 1000);
}

int hal_serial_read() {
  uint8_t byte;
  return read(master_fd, &byte, 1) == 1 ? byte : -1;
}

void hal_serial_write(const uint8_t *data, uint8_t len) {
  if (write(master_fd, data, len) < 0 && errno != EAGAIN) perror("pty write");
}

uint16_t hal_free_ram() { return HOST_FREE_RAM; }
uint32_t hal_baud() { return 115200; }
void hal_motor_pwm(uint8_t i, int16_t pwm) { plant.pwm(i, pwm); }
int32_t hal_encoder(uint8_t i) { return plant.encoder(i); }
void hal_servo_us(uint8_t i, uint16_t us) { plant.servo(i, us); }
bool hal_imu_configure(uint8_t accel_g, uint16_t gyro_dps) {
  imu.configure(accel_g, gyro_dps);
  return true;
}
bool hal_imu_read(int16_t raw[6]) {
  imu.read(raw);
  return true;
}

static void quit(int) { running = 0; }

int host_main(int argc, char **argv, void (*setup)(), void (*loop)()) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s LINK_PATH\n", argv[0]);
    return 2;
  }
  link_path = argv[1];
  int slave;
  if (openpty(&master_fd, &slave, nullptr, nullptr, nullptr) < 0) return perror("openpty"), 1;
  termios raw;
  tcgetattr(slave, &raw);
  cfmakeraw(&raw);
  tcsetattr(slave, TCSANOW, &raw);
  fcntl(master_fd, F_SETFL, O_NONBLOCK);
  unlink(link_path);
  if (symlink(ttyname(slave), link_path) < 0) return perror("symlink"), 1;
  signal(SIGTERM, quit);
  signal(SIGINT, quit);
  const char *pan = getenv("TERRY_SIM_PAN");  // where the simulated pan starts, rad
  if (pan) plant.motor_angle = atof(pan) * 80 / 24;
  const char *tilt = getenv("TERRY_SIM_IMU_TILT");  // "roll,pitch" of the resting IMU, rad
  if (tilt) sscanf(tilt, "%lf,%lf", &imu.roll, &imu.pitch);
  clock_gettime(CLOCK_MONOTONIC, &start);
  setup();
  uint32_t last = hal_micros();
  while (running) {
    loop();
    uint32_t now = hal_micros();
    if (now - last >= 1000) {
      plant.advance((now - last) * 1e-6);
      last = now;
    }
    usleep(500);
  }
  unlink(link_path);
  return 0;
}
