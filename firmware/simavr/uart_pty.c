/* Runs a sketch's AVR binary in simavr with UART0 on a pseudo-terminal, paced to the wall clock:
 *   uart_pty FIRMWARE.elf LINK_PATH
 * The pty's slave is symlinked at LINK_PATH; a driver opens it like /dev/ttyACM0. Input bytes
 * are fed while the simulated UART says XON, as the receive ring allows. Only the UART is wired:
 * motor, encoder and I2C pins see nothing (no plant), which suits protocol, timing and memory
 * tests of the real binary. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <simavr/avr_uart.h>
#include <simavr/sim_avr.h>
#include <simavr/sim_elf.h>
#include <simavr/sim_irq.h>

static int master = -1;
static volatile int xon = 1;
static volatile sig_atomic_t running = 1;

static void on_output(struct avr_irq_t *irq, uint32_t value, void *param) {
  uint8_t byte = (uint8_t)value;
  if (write(master, &byte, 1) < 0 && errno != EAGAIN) perror("pty write");
}
static void on_xon(struct avr_irq_t *irq, uint32_t value, void *param) { xon = 1; }
static void on_xoff(struct avr_irq_t *irq, uint32_t value, void *param) { xon = 0; }
static void no_sleep(avr_t *avr, avr_cycle_count_t how_long) {}
static void quit(int sig) { running = 0; }

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s FIRMWARE.elf LINK_PATH\n", argv[0]);
    return 2;
  }
  elf_firmware_t firmware = {0};
  if (elf_read_firmware(argv[1], &firmware) != 0) return fprintf(stderr, "cannot read %s\n", argv[1]), 1;
  avr_t *avr = avr_make_mcu_by_name("atmega328p");
  if (!avr) return 1;
  avr_init(avr);
  avr_load_firmware(avr, &firmware);
  avr->frequency = 16000000;
  avr->sleep = no_sleep; /* the loop below paces the simulation */

  uint32_t flags = 0;
  avr_ioctl(avr, AVR_IOCTL_UART_GET_FLAGS('0'), &flags);
  flags &= ~(AVR_UART_FLAG_STDIO | AVR_UART_FLAG_POLL_SLEEP);
  avr_ioctl(avr, AVR_IOCTL_UART_SET_FLAGS('0'), &flags);
  avr_irq_register_notify(avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_OUTPUT), on_output, NULL);
  avr_irq_register_notify(avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_OUT_XON), on_xon, NULL);
  avr_irq_register_notify(avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_OUT_XOFF), on_xoff, NULL);
  avr_irq_t *input = avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_INPUT);

  int slave;
  if (openpty(&master, &slave, NULL, NULL, NULL) < 0) return perror("openpty"), 1;
  struct termios raw;
  tcgetattr(slave, &raw);
  cfmakeraw(&raw);
  tcsetattr(slave, TCSANOW, &raw);
  fcntl(master, F_SETFL, O_NONBLOCK);
  unlink(argv[2]);
  if (symlink(ttyname(slave), argv[2]) < 0) return perror("symlink"), 1;
  signal(SIGTERM, quit);
  signal(SIGINT, quit);

  uint8_t pending[4096];
  ssize_t have = 0, next = 0;
  double start = now_s();
  while (running) {
    if (next == have) {
      next = 0;
      have = read(master, pending, sizeof pending);
      if (have < 0) have = 0;
    }
    avr_cycle_count_t due = (avr_cycle_count_t)((now_s() - start) * avr->frequency);
    while (avr->cycle < due) {
      int state = avr_run(avr);
      if (state == cpu_Done || state == cpu_Crashed) {
        fprintf(stderr, "uart_pty: the firmware stopped (state %d)\n", state);
        running = 0;
        break;
      }
      if (xon && next < have) avr_raise_irq(input, pending[next++]);
    }
    usleep(1000);
  }
  unlink(argv[2]);
  return 0;
}
