// Sensors: the laser scan around the robot, the IMU's attitude and live plots of its
// acceleration and angular rate (drawn once per frame at most, and only while on screen).
import { onScreen, whenShown } from "./visible.js";

const $ = (id) => document.getElementById(id);
const PANEL = "sensor-panel";
const HISTORY = 200;

class Plot {
  constructor(canvas, label, range) {
    this.canvas = canvas; this.label = label; this.range = range; this.series = [[], [], []];
  }
  push(values) {
    values.forEach((v, i) => { this.series[i].push(v); if (this.series[i].length > HISTORY) this.series[i].shift(); });
  }
  draw() {
    const c = this.canvas, g = c.getContext("2d"), h = c.height, w = c.width;
    g.clearRect(0, 0, w, h);
    g.strokeStyle = "#333"; g.beginPath(); g.moveTo(0, h / 2); g.lineTo(w, h / 2); g.stroke();
    ["#f85149", "#3fb950", "#58a6ff"].forEach((color, i) => {
      g.strokeStyle = color; g.beginPath();
      this.series[i].forEach((v, k) => {
        const x = (k / HISTORY) * w, y = h / 2 - (v / this.range) * (h / 2);
        k ? g.lineTo(x, y) : g.moveTo(x, y);
      });
      g.stroke();
    });
    g.fillStyle = "#8a93a0"; g.fillText(`${this.label} (x red, y green, z blue; ±${this.range})`, 4, 12);
  }
}

function rpy(q) {
  const roll = Math.atan2(2 * (q.w * q.x + q.y * q.z), 1 - 2 * (q.x * q.x + q.y * q.y));
  const pitch = Math.asin(Math.max(-1, Math.min(1, 2 * (q.w * q.y - q.z * q.x))));
  const yaw = Math.atan2(2 * (q.w * q.z + q.x * q.y), 1 - 2 * (q.y * q.y + q.z * q.z));
  return [roll, pitch, yaw];
}

function drawAttitude(canvas, roll, pitch) {
  const g = canvas.getContext("2d"), c = canvas.width / 2;
  g.save();
  g.clearRect(0, 0, canvas.width, canvas.height);
  g.translate(c, c); g.rotate(-roll);
  const off = (pitch / (Math.PI / 2)) * c;
  g.fillStyle = "#1d4f7a"; g.fillRect(-2 * c, -2 * c + off, 4 * c, 2 * c);
  g.fillStyle = "#5a3d1e"; g.fillRect(-2 * c, off, 4 * c, 2 * c);
  g.restore();
  g.strokeStyle = "#fff"; g.lineWidth = 2; g.beginPath(); g.moveTo(c - 30, c); g.lineTo(c + 30, c); g.stroke();
}

const usable = (scan, r) => r !== null && r >= scan.range_min && r <= scan.range_max; // not NaN, inf

function drawScan(canvas, scan) {
  const g = canvas.getContext("2d"), c = canvas.width / 2;
  const range = Math.min(scan.range_max || 5, 5), k = c / range;
  g.clearRect(0, 0, canvas.width, canvas.height);
  g.strokeStyle = "#333";
  for (let m = 1; m <= range; m++) { g.beginPath(); g.arc(c, c, m * k, 0, 2 * Math.PI); g.stroke(); }
  g.fillStyle = "#58a6ff";
  scan.ranges.forEach((r, i) => {
    if (!usable(scan, r)) return;
    const a = scan.angle_min + i * scan.angle_increment;
    g.fillRect(c - Math.sin(a) * r * k - 1, c - Math.cos(a) * r * k - 1, 3, 3);
  });
  g.fillStyle = "#e6e6e6"; g.beginPath(); g.moveTo(c, c - 8); g.lineTo(c - 6, c + 6); g.lineTo(c + 6, c + 6); g.fill();
}

export function setupSensors(conn) {
  const acc = new Plot($("plot-acc"), "acceleration m/s²", 20);
  const gyro = new Plot($("plot-gyro"), "angular rate rad/s", 5);
  let attitude = [0, 0], scan = null, frame = 0;
  const draw = () => {
    frame = 0;
    drawAttitude($("attitude"), ...attitude);
    acc.draw(); gyro.draw();
    if (scan) drawScan($("scan"), scan);
  };
  const soon = () => { if (!frame && onScreen(PANEL)) frame = requestAnimationFrame(draw); };
  whenShown(PANEL, draw);
  conn.subscribe("/imu/data", "sensor_msgs/Imu", (m) => {
    const [roll, pitch, yaw] = rpy(m.orientation);
    const deg = (a) => (a * 180 / Math.PI).toFixed(1);
    $("rpy").textContent = `roll ${deg(roll)}° pitch ${deg(pitch)}° yaw ${deg(yaw)}°`;
    attitude = [roll, pitch];
    const a = m.linear_acceleration, w = m.angular_velocity;
    acc.push([a.x, a.y, a.z]); gyro.push([w.x, w.y, w.z]);
    soon();
  }, { throttle: 50, panel: PANEL });
  conn.subscribe("/scan", "sensor_msgs/LaserScan", (m) => {
    scan = m;
    $("scan").dataset.points = String(m.ranges.filter((r) => usable(m, r)).length);
    soon();
  }, { throttle: 200, panel: PANEL });
  draw();
}
