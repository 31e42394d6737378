"""The arm: closed-form kinematics, smooth motion, and the Maestro servo controller."""
