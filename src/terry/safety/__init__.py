"""Safety: the e-stop as a state (`estop`), shared by the estop node and every actuator."""
