// The IMU firmware built for the host: `imu_host LINK_PATH` serves it on a pty.
#include "../lib/imu_app.h"

int host_main(int argc, char **argv, void (*setup)(), void (*loop)());
int main(int argc, char **argv) { return host_main(argc, argv, imu_setup, imu_loop); }
