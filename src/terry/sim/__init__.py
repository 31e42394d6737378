"""Simulated devices and plants: they speak the real wire protocols on pseudo-terminals."""
