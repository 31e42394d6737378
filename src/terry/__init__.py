"""Terry: an open ROS 1 control stack for a hobby mobile robot.

The logic lives in plain Python without ROS, one subsystem per package; `terry.nodes` holds the
thin ROS adapters (each wires parameters and topics to one core object; started by `scripts/`),
and `terry.sim` the simulated devices that speak the real wire protocols on pseudo-terminals, so
the same drivers run on the robot, in simulation and in the tests. This docstring is the module
map; the README links here instead of copying it.

In the order a user meets them:

- `terry.model`: the robot model, read from urdf/terry.urdf, the one source of geometry, joint
  limits, joint names, wheel geometry and the base's footprint. `terry.paths` finds package files.
- `terry.safety`: `estop`, the e-stop as a state: `EstopState` (the one owner's who/why/since)
  -> node `estop` (/estop in; /estop/state, /estop/status out); `EstopWatch` (an actuator is
  stopped until it has heard a recent release), used by every actuator node.
- `terry.arm`: the arm. `kinematics` (closed-form IK/FK with the gripper held level, explicit
  result codes, numpy batch), `targets` (checked targets -> joints and the IK status) -> node
  `arm_ik` (/arm/xyzc, /arm/target in; a JointTrajectory out); `smoothing` (sinusoidal
  re-timing, splicing from position and velocity), `stream` (the shim's state: on/off, the
  streamed plan, the e-stop) -> node `smooth_shim`; `joint_input` (one wording for every refused
  joint name or value); the servo controller: `maestro` (the Pololu Maestro's bytes),
  `calibration` (angle <-> pulse, the one choke point for limits), `motion` (trajectory
  execution), `bus` (pyserial, surviving unplug), `controller` (e-stop, relax, reconnect,
  velocity estimate) -> node `servo_driver`; `actions` (FollowJointTrajectory and GripperCommand
  goals judged against the measured joints), `poses` (named poses, taught sequences) -> node
  `arm_controller` (the action servers for MoveIt, /arm/pose/*, /arm/teach/*, /arm/park;
  MoveIt's configuration is in moveit/).
- `terry.link`: the Arduino boards' serial link: `codec` (COBS + CRC-16 frames), `messages`
  (one class per wire message, refusing values the wire cannot carry), `transport` (handshake,
  acks, one connecting/up/lost lifecycle with on_up/on_lost, started by `start()`);
  docs/serial-protocol.md. `terry.nodes.link_diagnostics`: every board node's /diagnostics and
  /rosout voice for its link.
- `terry.sensors`: the pan/tilt board (`pan_tilt`) -> node `pan_tilt`; the IMU board (`imu`),
  its filter (`imu_filter`, Madgwick, gyro bias at rest) and calibration (`imu_calibration`:
  bias, offsets, scale from still poses) -> node `imu`; the radar (`radar`: the sweeping
  Kinect's scans as full circles in `radar_link`) -> node `radar`; `pacing` (full rate while
  something moves, a rest rate while still: the pan/tilt and base nodes' outputs).
- `terry.base`: `drive` (diff-drive kinematics, speed governor with dead-man, odometry), `guard`
  (the Kinect's blind spot), `board` (the base board over the link), `battery` (charge from
  voltage, the low-battery policy) -> node `base_controller` (/battery: `nodes.battery_report`).
- `terry.nav`: `frontier` (reachable frontiers on an occupancy grid), `explore` (which frontier
  next, when to stop) -> node `explore`.
- `terry.bridge`: the rosbridge v2 protocol (ops, JSON <-> ROS conversion, bounded per-client
  queues, rosapi) and its WebSocket server -> node `rosbridge`.
- `terry.dashboard`: the web page's server (`app`, Flask) -> node `dashboard_server`.
- `terry.calibration`: run-time calibration, ROS-free: `odometry` (wheel radius and separation
  from driven runs; the geometry base_controller uses: the URDF's, overridden by
  config/calibration/odometry.yaml), `servos` (stepping a servo's direction, centre and range
  within the URDF's limits, rewriting config/servos.yaml), `files`; the IMU's is
  `terry.sensors.imu_calibration`. The tools: `terry.bringup.calibrate_odom`, `calibrate_imu`,
  `calibrate_servos`.
- `terry.tuning`: the motors' gains and limits at run time: `gains` (checked values, their
  MotorTuning wire form, config/tuning.yaml), `tuner` (sent to a board at every connect and on
  request, kept only if it took them), `reconfigure` (the dynamic_reconfigure description and
  callback; the server: `nodes.tuning_server`, in pan_tilt and base_controller), `step_response`
  (figures, CSV, plot; the command: `terry.bringup.step_response`).
- `terry.bringup`: `doctor` (`./run doctor`: what blocks a first run, each with its fix),
  `boards` (which board is on which port, why a port is unusable), `system` (permissions, ROS
  settings, clock skew), `udev` (the rules and stable /dev/terry/ names).
- `terry.sim`: `pty` (a serial port on a pseudo-terminal), `maestro_device` -> node
  `sim_maestro`; `firmware` (the real firmware's host build driving simulated plants) -> nodes
  `sim_pan_tilt`, `sim_imu`; `base_board` -> node `sim_base_board`; `world` (the apartment, the
  true pose, the Kinect's view) -> node `sim_world`.
"""
