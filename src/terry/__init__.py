"""Terry: an open ROS 1 control stack for a hobby mobile robot.

The logic lives in plain Python modules here, without ROS, each named after what it holds;
`terry.nodes` holds the thin ROS adapters (one `main()` each, started by `scripts/`), and
`terry.sim` the simulated devices that speak the real wire protocols on pseudo-terminals, so the
same drivers run on the robot, in simulation and in the tests.

In the order a user meets them:

- The robot: `robot_model` reads urdf/terry.urdf, the one source of geometry and joint limits
  (`load_robot()`, `arm_geometry()`, `drive_geometry()`); `paths` finds the package's files.
- The arm: `kinematics` (closed-form IK/FK with the gripper held level, explicit result codes,
  numpy batch) -> node `arm_ik` (/arm/xyzc, /arm/target in; a JointTrajectory out).
- Smooth motion: `smoothing` (sinusoidal re-timing, splicing from position and velocity) ->
  node `smooth_shim` (/arm/smooth_command in, /arm/joint_command out, switchable at run time).
- The servos: `maestro` (the Pololu Maestro's bytes), `servo_calibration` (angle <-> pulse, the
  one choke point for limits), `servo_motion` (trajectory execution), `servo_bus` (pyserial,
  surviving unplug) -> node `servo_driver`; `sim.maestro_device` -> node `sim_maestro`.
- The boards on the serial link: `link` (COBS + CRC-16 frames, handshake, reconnecting transport;
  docs/serial-protocol.md); the boards seen from the host: `pan_tilt` -> node `pan_tilt`, `imu`
  and `imu_filter` (Madgwick) -> node `imu`, `base_board`; their simulations: `sim.firmware`
  (the real firmware's host build driving simulated plants) -> nodes `sim_pan_tilt`, `sim_imu`,
  and `sim.base_board` -> node `sim_base_board`.
- The base: `diff_drive` (kinematics, speed governor with dead-man, odometry), `footprint`,
  `obstacle_guard` -> node `base_controller`; `sim.world` (apartment map, true pose, the
  Kinect's scan by ray casting) -> node `sim_world`.
- The browser: `bridge` (the rosbridge v2 protocol: ops, JSON <-> ROS conversion, bounded
  per-client queues, rosapi; the WebSocket server; the dashboard's web app) -> nodes
  `rosbridge` and `dashboard_server`.
"""
