"""Run-time tuning of the motor boards: `gains` (one motor's gains and limits, checked, and their
wire form; config/tuning.yaml), `tuner` (sends them over a board's link at every connect and on
request, and waits for the board's answer), `reconfigure` (the dynamic_reconfigure description
and callback the pan_tilt and base_controller nodes serve), `step_response` (a step's samples,
rise time and overshoot, CSV and plot; the command is terry.bringup.step_response).
"""
