// Servo calibration: the robot's calibrate_servos tool, through the servo_calibration node
// (servo_calibration/input, /output, /state). The page only relays: Start, the answers the tool
// asks for (+ - > < y n s q), Stop; the tool's lines show as it prints them. Shown while the
// node runs (its latched state is heard).
import { ARM_JOINTS } from "./urdf.js";

const $ = (id) => document.getElementById(id);
const MAX_LINES = 200;

export function setupServoCalibration(conn) {
  const send = conn.publisher("/servo_calibration/input", "std_msgs/String");
  const log = $("servo-cal-log"), state = $("servo-cal-state"), joint = $("servo-cal-joint");
  for (const name of ARM_JOINTS) joint.append(new Option(name, name));
  const lines = [];
  const say = (text) => {
    lines.push(text);
    if (lines.length > MAX_LINES) lines.shift();
    log.textContent = lines.join("\n");
    log.scrollTop = log.scrollHeight;
  };
  const relay = (text) => { if (!send({ data: text })) say(`not sent (not connected): ${text}`); };

  conn.subscribe("/servo_calibration/state", "std_msgs/String", (m) => {
    $("servo-cal").hidden = false;
    const s = JSON.parse(m.data);
    state.dataset.state = s.running ? "running" : s.exit === null ? "idle" : s.exit === 0 ? "written" : "ended";
    state.textContent = s.running ? `calibrating ${s.joints.join(", ")}`
      : s.exit === null ? "" : s.exit === 0 ? "done: written" : `ended (status ${s.exit}): nothing written`;
  }, { stale: false });
  conn.subscribe("/servo_calibration/output", "std_msgs/String", (m) => say(m.data), { stale: false, queue: 100 });

  $("servo-cal-start").addEventListener("click", () => {
    lines.length = 0;
    relay(joint.value ? `start ${joint.value}` : "start");
  });
  $("servo-cal-stop").addEventListener("click", () => relay("stop"));
  for (const button of document.querySelectorAll("#servo-cal .keys button")) {
    button.addEventListener("click", () => { say(`> ${button.dataset.key}`); relay(button.dataset.key); });
  }
}
