"""Terry: an open ROS 1 control stack for a hobby mobile robot.

The logic lives in ROS-free modules here; src/terry/nodes/ holds the thin ROS adapters and
src/terry/sim/ the simulated devices that speak the real wire protocols on pseudo-terminals.
"""
