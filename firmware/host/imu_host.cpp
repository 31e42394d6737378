// The IMU firmware built for the host: `imu_host LINK_PATH` serves it on a pty, reading plant.h's
// resting MPU-6050 with sensor errors and a pose set from outside, for the calibration tools
// (simulation only; nothing of this is in the firmware proper). Environment:
//   TERRY_SIM_IMU_GYRO_BIAS     "x,y,z" rad/s (default: plant.h's GYRO_BIAS)
//   TERRY_SIM_IMU_ACCEL_OFFSET  "x,y,z" m/s^2 added to each accelerometer axis (default 0)
//   TERRY_SIM_IMU_ACCEL_SCALE   "x,y,z" each axis's gain (default 1)
//   TERRY_SIM_IMU_POSE          a file holding "roll pitch" (rad), re-read whenever it changes
// host/hal_host.cpp (pty, clock, host_main) is compiled in here with this IMU in place of its own.
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include "../lib/imu_app.h"
#include "plant.h"

static void read_vector(const char *name, double v[3]) {
  const char *text = getenv(name);
  if (text && sscanf(text, "%lf,%lf,%lf", &v[0], &v[1], &v[2]) != 3)
    fprintf(stderr, "imu_host: %s must be three numbers x,y,z, got %s: ignored\n", name, text);
}

struct ImuWithErrors : ImuPlant {
  double gyro_bias[3] = {GYRO_BIAS[0], GYRO_BIAS[1], GYRO_BIAS[2]};
  double accel_offset[3] = {0, 0, 0}, accel_scale[3] = {1, 1, 1};
  const char *pose_path = getenv("TERRY_SIM_IMU_POSE");
  timespec pose_stamp{0, 0};
  unsigned reads = 0;

  ImuWithErrors() {
    read_vector("TERRY_SIM_IMU_GYRO_BIAS", gyro_bias);
    read_vector("TERRY_SIM_IMU_ACCEL_OFFSET", accel_offset);
    read_vector("TERRY_SIM_IMU_ACCEL_SCALE", accel_scale);
  }
  void follow_pose_file() {  // every 20th reading: 10 times a second at 200 Hz
    struct stat info;
    if (!pose_path || reads++ % 20 || stat(pose_path, &info) != 0) return;
    if (info.st_mtim.tv_sec == pose_stamp.tv_sec && info.st_mtim.tv_nsec == pose_stamp.tv_nsec)
      return;
    pose_stamp = info.st_mtim;
    FILE *file = fopen(pose_path, "r");
    if (!file) return;
    double r, p;
    if (fscanf(file, "%lf %lf", &r, &p) == 2) roll = r, pitch = p;
    fclose(file);
  }
  void read(int16_t raw[6]) {
    follow_pose_file();
    double g[3] = {-sin(pitch) * GRAVITY, sin(roll) * cos(pitch) * GRAVITY,
                   cos(roll) * cos(pitch) * GRAVITY};
    for (int i = 0; i < 3; i++) {
      double accel = accel_scale[i] * g[i] + accel_offset[i] + ACCEL_NOISE * gaussian();
      raw[i] = saturate(accel * accel_lsb);
    }
    for (int i = 0; i < 3; i++)
      raw[3 + i] = saturate((gyro_bias[i] + GYRO_NOISE * gaussian()) * gyro_lsb);
  }
};

#define ImuPlant ImuWithErrors
#include "hal_host.cpp"
#undef ImuPlant

int main(int argc, char **argv) { return host_main(argc, argv, imu_setup, imu_loop); }
