// The arm panel: x/y/z/claw sliders and clickable side and top views of the reachable workspace
// publish [x, y, z, claw] on /arm/xyzc; unreachable targets are shown and never sent. The
// workspace is the IK itself (kinematics.js, a tested port of the robot's) fed by the URDF and
// arm_ik's own parameters (~pitch, ~unreachable), so the page and the robot never disagree.
import { ArmKinematics } from "./kinematics.js";
import { armGeometry } from "./urdf.js";

const $ = (id) => document.getElementById(id);
const SEND_PERIOD_MS = 100;
const CELL = 4; // canvas pixels per shading cell of the workspace views
const MIN_REACH = 0.001; // m: a click on the side view left of the yaw axis asks for this reach

export function setupArm(conn) {
  const publish = conn.publisher("/arm/xyzc", "std_msgs/Float32MultiArray", { resend: true });
  const inputs = { x: $("arm-x"), y: $("arm-y"), z: $("arm-z"), claw: $("arm-claw") };
  const side = $("arm-side"), top = $("arm-top");
  let ik = null, pitch = 0, nearest = false;
  let lastSent = 0, pending = null;

  const target = () => Object.fromEntries(Object.entries(inputs).map(([k, el]) => [k, Number(el.value)]));
  const solve = (x, y, z) => (ik ? ik.solve(x, y, z, pitch) : { ok: false, reason: "no robot model yet" });
  const check = () => { const t = target(); return solve(t.x, t.y, t.z); };
  // arm_ik with ~unreachable: nearest goes to the nearest reachable point instead of refusing.
  const sendable = (verdict) => verdict.ok || (nearest && ik !== null);

  function send() {
    const t = target();
    if (!sendable(check())) return false;
    return publish({ layout: { dim: [], data_offset: 0 }, data: [t.x, t.y, t.z, t.claw] });
  }

  function sendSoon() {
    if (!$("arm-live").checked) return;
    clearTimeout(pending);
    const wait = Math.max(0, lastSent + SEND_PERIOD_MS - performance.now());
    pending = setTimeout(() => { lastSent = performance.now(); send(); }, wait);
  }

  function update() {
    for (const [k, el] of Object.entries(inputs)) $(`arm-${k}-v`).textContent = Number(el.value).toFixed(3);
    const verdict = check();
    const reach = $("arm-reach");
    const near = nearest && ik ? " (arm_ik goes to the nearest reachable point)" : "";
    reach.textContent = verdict.ok ? "reachable" : `unreachable: ${verdict.reason}${near}`;
    reach.className = `reach ${verdict.ok ? "ok" : "bad"}`;
    $("arm-send").disabled = !sendable(verdict);
    draw();
  }

  // Views: side = (r along the target's yaw, z); top = (x forward up the canvas, y left).
  const scale = () => {
    const [rMax, zMin, zMax] = ik ? ik.bounds(pitch) : [0.3, -0.1, 0.35];
    return { rMax: rMax * 1.1, zMin: zMin - 0.02, zMax: zMax + 0.02 };
  };
  const sideMap = (c) => {
    const s = scale(), w = c.width, h = c.height;
    const k = Math.min(w / (s.rMax * 1.05), h / (s.zMax - s.zMin));
    return { k, x0: w * 0.05, y0: h - (0 - s.zMin) * k - (h - (s.zMax - s.zMin) * k) / 2 };
  };
  const topMap = (c) => {
    const s = scale(), w = c.width, h = c.height;
    const k = Math.min(w / (2 * s.rMax), h / (s.rMax * 1.15));
    return { k, x0: w / 2, y0: h * 0.92 };
  };

  function shade(c, map, reachable) {
    const g = c.getContext("2d");
    const img = g.createImageData(c.width, c.height);
    const step = CELL;
    for (let py = 0; py < c.height; py += step) {
      for (let px = 0; px < c.width; px += step) {
        if (!reachable(px + step / 2, py + step / 2, map)) continue;
        for (let dy = 0; dy < step; dy++) for (let dx = 0; dx < step; dx++) {
          const i = ((py + dy) * c.width + px + dx) * 4;
          img.data.set([40, 90, 60, 255], i);
        }
      }
    }
    g.putImageData(img, 0, 0);
    return g;
  }

  function marker(g, x, y, ok) {
    g.strokeStyle = ok ? "#3fb950" : "#f85149";
    g.lineWidth = 2;
    g.beginPath(); g.arc(x, y, 6, 0, 2 * Math.PI); g.moveTo(x - 10, y); g.lineTo(x + 10, y);
    g.moveTo(x, y - 10); g.lineTo(x, y + 10); g.stroke();
  }

  // The side view is the vertical plane at the target's yaw: green is what the IK reaches there
  // (nothing when that yaw is beyond the yaw joint's limits).
  const yawOf = (t) => (Math.hypot(t.x, t.y) < 1e-6 ? 0 : Math.atan2(t.y, t.x));
  function draw() {
    const t = target(), ok = check().ok, yaw = yawOf(t);
    const sm = sideMap(side);
    const inPlane = (r, z) => { // what a click there would ask for (reach at least 1 mm)
      const reach = Math.max(MIN_REACH, r);
      return solve(reach * Math.cos(yaw), reach * Math.sin(yaw), z).ok;
    };
    const gs = shade(side, sm, (px, py, m) => inPlane((px - m.x0) / m.k, (m.y0 - py) / m.k));
    gs.fillStyle = "#8a93a0"; gs.fillRect(sm.x0 - 4, sm.y0, 8, 6);
    marker(gs, sm.x0 + Math.hypot(t.x, t.y) * sm.k, sm.y0 - t.z * sm.k, ok);
    const tm = topMap(top);
    const gt = shade(top, tm, (px, py, m) => solve((m.y0 - py) / m.k, (m.x0 - px) / m.k, t.z).ok);
    gt.fillStyle = "#8a93a0"; gt.fillRect(tm.x0 - 4, tm.y0 - 4, 8, 8);
    marker(gt, tm.x0 - t.y * tm.k, tm.y0 - t.x * tm.k, ok);
  }

  function canvasPoint(c, e) {
    const rect = c.getBoundingClientRect();
    return [(e.clientX - rect.left) * (c.width / rect.width), (e.clientY - rect.top) * (c.height / rect.height)];
  }
  const setValue = (el, v) => { el.value = String(v); }; // sliders have step="any": no snapping
  // A click takes the centre of its shading cell: exactly the point that was shaded green or not.
  const cellCentre = ([px, py]) => [Math.floor(px / CELL) * CELL + CELL / 2, Math.floor(py / CELL) * CELL + CELL / 2];

  side.addEventListener("click", (e) => {
    const [px, py] = cellCentre(canvasPoint(side, e)), m = sideMap(side), t = target();
    const r = Math.max(MIN_REACH, (px - m.x0) / m.k), yaw = yawOf(t);
    setValue(inputs.x, r * Math.cos(yaw)); setValue(inputs.y, r * Math.sin(yaw));
    setValue(inputs.z, (m.y0 - py) / m.k);
    update(); send();
  });
  top.addEventListener("click", (e) => {
    const [px, py] = cellCentre(canvasPoint(top, e)), m = topMap(top);
    setValue(inputs.x, (m.y0 - py) / m.k); setValue(inputs.y, (m.x0 - px) / m.k);
    update(); send();
  });
  for (const el of Object.values(inputs)) el.addEventListener("input", () => { update(); sendSoon(); });
  $("arm-send").addEventListener("click", send);

  // The model (main.js reads it at each connect) and arm_ik's settings.
  conn.addEventListener("model", async (e) => {
    try {
      const joints = e.detail;
      const settings = await Promise.all(["pitch", "unreachable"].map((k) => conn.getParam(`/arm_ik/${k}`).catch(() => null)));
      pitch = Number.isFinite(settings[0]) ? settings[0] : 0;
      nearest = settings[1] === "nearest";
      ik = new ArmKinematics(armGeometry(joints), joints);
      const [rMax, zMin, zMax] = ik.bounds(pitch);
      for (const k of ["x", "y"]) { inputs[k].min = -rMax; inputs[k].max = rMax; }
      inputs.z.min = zMin; inputs.z.max = zMax;
      $("arm-pitch").textContent = `gripper pitch ${pitch.toFixed(2)} rad (arm_ik ~pitch)`;
      document.body.dataset.workspace = "ready";
    } catch (err) {
      $("arm-reach").textContent = `no arm model: ${err.message}`;
    }
    update();
  });

  // IK verdicts and joint angles from the robot.
  conn.subscribe("/arm/ik_status", "std_msgs/String", (m) => {
    let text = m.data;
    try { const s = JSON.parse(m.data); text = s.ok ? "ok" : `${s.status ?? "refused"}: ${s.reason ?? ""}`; } catch { /* plain text */ }
    $("arm-ik").textContent = text;
  }, { stale: false });
  const rows = new Map();
  const row = (name) => {
    if (!rows.has(name)) {
      const tr = $("joints").tBodies[0].insertRow();
      tr.insertCell().textContent = name;
      const cell = tr.insertCell();
      cell.dataset.joint = name;
      cell.textContent = "—";
      rows.set(name, cell);
    }
    return rows.get(name);
  };
  // a row for each moving joint of the model at once, so the panel does not grow (and move
  // everything below it) as each board's /joint_states first arrives
  conn.addEventListener("model", (e) => {
    for (const j of Object.values(e.detail)) if (j.type && j.type !== "fixed") row(j.name);
  });
  conn.subscribe("/joint_states", "sensor_msgs/JointState", (m) => {
    m.name.forEach((name, i) => {
      const cell = row(name);
      const rad = m.position[i];
      cell.textContent = `${rad.toFixed(3)} rad  ${(rad * 180 / Math.PI).toFixed(1)}°`;
    });
  }, { throttle: 100, panel: "arm-panel" });

  // Smoothing: the shim's service switches it; its live parameter, polled, says what it is
  // (whoever changed it: this page, another one, or `rosparam set /smooth_shim/enabled`). The box
  // stays disabled until that is known: clicked before, it would have switched from a guess.
  const smooth = $("smooth");
  conn.watchParam("/smooth_shim/enabled", (value, err) => {
    smooth.disabled = Boolean(err);
    if (err) { $("smooth-state").textContent = "(shim not running?)"; return; }
    smooth.checked = Boolean(value);
    $("smooth-state").textContent = "";
  });
  smooth.addEventListener("change", async () => {
    try {
      const res = await conn.call("/arm/smooth/set_enabled", "std_srvs/SetBool", { data: smooth.checked });
      $("smooth-state").textContent = res.success ? (smooth.checked ? "on" : "off") : res.message;
    } catch (err) {
      smooth.checked = !smooth.checked;
      $("smooth-state").textContent = `no smoothing shim: ${err.message}`;
    }
  });
  update();
}
