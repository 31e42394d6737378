// The pan/tilt firmware built for the host: `pan_tilt_host LINK_PATH` serves it on a pty.
#include "../lib/pan_tilt_app.h"

int host_main(int argc, char **argv, void (*setup)(), void (*loop)());
int main(int argc, char **argv) { return host_main(argc, argv, pan_tilt_setup, pan_tilt_loop); }
