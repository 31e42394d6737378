"""The mobile base: diff-drive kinematics and governor, the blind-spot guard, the base board."""
