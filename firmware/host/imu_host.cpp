// The IMU firmware built for the host: `imu_host LINK_PATH` serves it on a pty, reading plant.h's
// MPU-6050 with sensor errors, a pose (for the calibration tools) and the base's turning (for
// odometry) set from outside (simulation only; nothing of this is in the firmware proper).
// Environment:
//   TERRY_SIM_IMU_GYRO_BIAS     "x,y,z" rad/s (default: plant.h's GYRO_BIAS)
//   TERRY_SIM_IMU_ACCEL_OFFSET  "x,y,z" m/s^2 added to each accelerometer axis (default 0)
//   TERRY_SIM_IMU_ACCEL_SCALE   "x,y,z" each axis's gain (default 1)
//   TERRY_SIM_IMU_POSE          a file holding "roll pitch" (rad), re-read whenever it changes
//   TERRY_SIM_IMU_MOTION        a file holding "rate turned": the robot's true yaw rate (rad/s,
//                               about imu_link's z axis) and its true turn since the start (rad),
//                               re-read whenever it changes: the gyro feels the base turn
// host/hal_host.cpp (pty, clock, host_main) is compiled in here with this IMU in place of its own.
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include "../lib/imu_app.h"
#include "plant.h"

static void read_vector(const char *name, double v[3]) {
  const char *text = getenv(name);
  if (text && sscanf(text, "%lf,%lf,%lf", &v[0], &v[1], &v[2]) != 3)
    fprintf(stderr, "imu_host: %s must be three numbers x,y,z, got %s: ignored\n", name, text);
}

static double monotonic_seconds() {
  timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return now.tv_sec + now.tv_nsec * 1e-9;
}

// The yaw rate the gyro feels. The world's updates come late or not at all under load (and a
// still world's update says rate 0), so holding the last rate lost or gained turn: up to 5 % of
// a turn in place in a loaded mapping run. Here the rate is the world's plus a pull of the
// integral of what was reported towards the world's true turn, so that integral follows the
// true turn and only the modelled errors (bias, noise) remain.
struct YawTracker {
  static constexpr double PULL = 0.25;  // s: the time constant of the pull
  static constexpr double SNAP = 1.0;   // rad: further apart is a restarted world, not a turn
  double world_rate = 0, turned = 0, reported = 0, last_rate = 0, last_time = 0;
  bool started = false, following = false;
  void follow(double rate, double true_turn) {
    world_rate = rate, turned = true_turn;
    if (!following || fabs(turned - reported) > SNAP) reported = turned;
    following = true;
  }
  double rate(double now) {
    if (!following) return 0;
    if (started) reported += last_rate * (now - last_time);
    started = true, last_time = now;
    last_rate = world_rate + (turned - reported) / PULL;
    return last_rate;
  }
};

struct ImuWithErrors : ImuPlant {
  double gyro_bias[3] = {GYRO_BIAS[0], GYRO_BIAS[1], GYRO_BIAS[2]};
  double accel_offset[3] = {0, 0, 0}, accel_scale[3] = {1, 1, 1};
  const char *pose_path = getenv("TERRY_SIM_IMU_POSE");
  const char *motion_path = getenv("TERRY_SIM_IMU_MOTION");
  timespec pose_stamp{0, 0}, motion_stamp{0, 0};
  YawTracker yaw;
  unsigned reads = 0;

  ImuWithErrors() {
    read_vector("TERRY_SIM_IMU_GYRO_BIAS", gyro_bias);
    read_vector("TERRY_SIM_IMU_ACCEL_OFFSET", accel_offset);
    read_vector("TERRY_SIM_IMU_ACCEL_SCALE", accel_scale);
  }
  // Opens `path` if it changed since `stamp` (and updates `stamp`); nullptr otherwise.
  static FILE *if_changed(const char *path, timespec &stamp) {
    struct stat info;
    if (!path || stat(path, &info) != 0) return nullptr;
    if (info.st_mtim.tv_sec == stamp.tv_sec && info.st_mtim.tv_nsec == stamp.tv_nsec)
      return nullptr;
    stamp = info.st_mtim;
    return fopen(path, "r");
  }
  void follow_files() {  // the motion every 2nd reading (100 Hz), the pose every 20th (10 Hz)
    unsigned n = reads++;
    FILE *file;
    if (n % 2 == 0 && (file = if_changed(motion_path, motion_stamp))) {
      double rate, turned;
      if (fscanf(file, "%lf %lf", &rate, &turned) == 2) yaw.follow(rate, turned);
      fclose(file);
    }
    if (n % 20 == 0 && (file = if_changed(pose_path, pose_stamp))) {
      double r, p;
      if (fscanf(file, "%lf %lf", &r, &p) == 2) roll = r, pitch = p;
      fclose(file);
    }
  }
  void read(int16_t raw[6]) {
    follow_files();
    double g[3] = {-sin(pitch) * GRAVITY, sin(roll) * cos(pitch) * GRAVITY,
                   cos(roll) * cos(pitch) * GRAVITY};
    for (int i = 0; i < 3; i++) {
      double accel = accel_scale[i] * g[i] + accel_offset[i] + ACCEL_NOISE * gaussian();
      raw[i] = saturate(accel * accel_lsb);
    }
    double turning[3] = {0, 0, yaw.rate(monotonic_seconds())};
    for (int i = 0; i < 3; i++)
      raw[3 + i] = saturate((turning[i] + gyro_bias[i] + GYRO_NOISE * gaussian()) * gyro_lsb);
  }
};

#define ImuPlant ImuWithErrors
#include "hal_host.cpp"
#undef ImuPlant

int main(int argc, char **argv) { return host_main(argc, argv, imu_setup, imu_loop); }
