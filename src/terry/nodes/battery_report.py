"""The base battery's voice: sensor_msgs/BatteryState on /battery and a "base battery" entry on
/diagnostics for each reading, judged by terry.base.battery (used by base_controller)."""

from __future__ import annotations

import rospy
from diagnostic_msgs.msg import DiagnosticArray, DiagnosticStatus, KeyValue
from sensor_msgs.msg import BatteryState

from terry.base.battery import Step

LEVELS = (DiagnosticStatus.OK, DiagnosticStatus.WARN, DiagnosticStatus.WARN, DiagnosticStatus.ERROR)


class BatteryReport:
    def __init__(self, topic: str, cells: int, frame_id: str) -> None:
        self.cells, self.frame_id = cells, frame_id
        self._battery = rospy.Publisher(topic, BatteryState, queue_size=1)
        self._diagnostics = rospy.Publisher("diagnostics", DiagnosticArray, queue_size=1)

    def publish(self, volts: float, step: Step, port: str) -> None:
        msg = BatteryState()
        msg.header.stamp = rospy.Time.now()
        msg.header.frame_id = self.frame_id
        msg.voltage, msg.percentage = volts, step.charge
        msg.current = msg.charge = msg.capacity = msg.design_capacity = float("nan")
        msg.power_supply_status = BatteryState.POWER_SUPPLY_STATUS_DISCHARGING
        msg.power_supply_health = BatteryState.POWER_SUPPLY_HEALTH_GOOD
        msg.power_supply_technology = BatteryState.POWER_SUPPLY_TECHNOLOGY_LIPO
        msg.present = True
        msg.cell_voltage = [float("nan")] * self.cells  # per-cell voltages are not measured
        msg.location = "base"
        self._battery.publish(msg)
        status = DiagnosticStatus(
            level=LEVELS[step.stage],
            name="base battery",
            message=step.text(),
            hardware_id=port,
            values=[
                KeyValue("voltage", f"{volts:.2f} V"),
                KeyValue("smoothed voltage", f"{step.volts:.2f} V"),
                KeyValue("charge", f"{step.charge:.0%}"),
                KeyValue("speed scale", f"{step.speed_scale:g}"),
            ],
        )
        diagnostics = DiagnosticArray(status=[status])
        diagnostics.header.stamp = msg.header.stamp
        self._diagnostics.publish(diagnostics)
