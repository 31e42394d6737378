// The map: /map (map_server or gmapping; the simulation's true /sim/map until one is heard), the
// robot's pose on it (map -> odom from tf composed with /odom, or /amcl_pose), the scan, the
// planned path and the goal. A click or tap sends a move_base goal there (drag to set the
// heading); "cancel" cancels it; "set pose" makes the next click an /initialpose for amcl. The
// goal's state comes from move_base's action status and result. When the explore node runs
// (mapping), Explore / Stop exploring call its services and its status shows; when the save_map
// service is there (mapping), Save map calls it and shows where the map went.
import { onScreen, whenShown } from "./visible.js";

const $ = (id) => document.getElementById(id);
const STATES = ["pending", "active", "cancelled", "reached", "aborted", "rejected", "cancelling", "recalling", "recalled", "lost"];
const DRAG_PX = 12; // shorter drags keep the heading from the robot to the goal

const yawOf = (q) => Math.atan2(2 * (q.w * q.z + q.x * q.y), 1 - 2 * (q.y * q.y + q.z * q.z));
const quat = (yaw) => ({ x: 0, y: 0, z: Math.sin(yaw / 2), w: Math.cos(yaw / 2) });
const compose = (a, b) => ({ // pose b expressed in a's frame, then a in the parent's
  x: a.x + Math.cos(a.yaw) * b.x - Math.sin(a.yaw) * b.y,
  y: a.y + Math.sin(a.yaw) * b.x + Math.cos(a.yaw) * b.y,
  yaw: a.yaw + b.yaw,
});
const now = () => { const t = Date.now(); return { secs: Math.floor(t / 1000), nsecs: (t % 1000) * 1e6 }; };

export function setupMap(conn) {
  const canvas = $("map"), status = $("nav-state");
  const goalPub = conn.publisher("/move_base/goal", "move_base_msgs/MoveBaseActionGoal");
  const cancelPub = conn.publisher("/move_base/cancel", "actionlib_msgs/GoalID");
  const posePub = conn.publisher("/initialpose", "geometry_msgs/PoseWithCovarianceStamped");
  const grid = document.createElement("canvas");
  let map = null, source = null, mapToOdom = null, odom = null, amcl = null;
  let scan = null, pan = 0, scanMount = { x: 0, y: 0 }, path = [], goal = null, press = null;
  let goalId = null, settingPose = false, count = 0;

  function takeMap(m, from) {
    if (from === "/sim/map" && source === "/map") return;
    source = from;
    const { width, height, resolution, origin } = m.info;
    grid.width = width; grid.height = height;
    const g = grid.getContext("2d"), img = g.createImageData(width, height);
    for (let i = 0; i < m.data.length; i++) {
      const v = m.data[i], shade = v < 0 ? 60 : 235 - (v * 2.2);
      // rows go up in the map, down on a canvas
      const row = height - 1 - Math.floor(i / width), k = (row * width + (i % width)) * 4;
      img.data.set([shade, shade, shade, 255], k);
    }
    g.putImageData(img, 0, 0);
    map = { width, height, resolution, x0: origin.position.x, y0: origin.position.y };
    $("map-source").textContent = from === "/map" ? "/map" : "/sim/map (the simulation's true map: nothing on /map yet)";
    canvas.dataset.map = from;
    draw();
  }

  // Screen <-> map: the whole map fitted in the canvas, x right, y up.
  function view() {
    const w = canvas.width, h = canvas.height;
    const k = Math.min(w / map.width, h / map.height);
    return { k, ox: (w - map.width * k) / 2, oy: (h + map.height * k) / 2, r: map.resolution };
  }
  const toScreen = (v, x, y) => [v.ox + ((x - map.x0) / v.r) * v.k, v.oy - ((y - map.y0) / v.r) * v.k];
  const toMap = (v, px, py) => [map.x0 + ((px - v.ox) / v.k) * v.r, map.y0 + ((v.oy - py) / v.k) * v.r];

  function robot() {
    if (amcl) return amcl;
    return mapToOdom && odom ? compose(mapToOdom, odom) : null;
  }

  function arrow(g, x, y, yaw, color, size) {
    g.save(); g.translate(x, y); g.rotate(-yaw); g.fillStyle = color; g.beginPath();
    g.moveTo(size, 0); g.lineTo(-size * 0.6, size * 0.6); g.lineTo(-size * 0.6, -size * 0.6); g.fill(); g.restore();
  }

  let frame = 0;
  function draw() { // at most once per animation frame, and only while the map is on screen
    if (!frame && onScreen("map-panel")) frame = requestAnimationFrame(paint);
  }
  whenShown("map-panel", () => paint());

  function paint() {
    frame = 0;
    const g = canvas.getContext("2d");
    g.clearRect(0, 0, canvas.width, canvas.height);
    if (!map) { g.fillStyle = "#8a93a0"; g.fillText("waiting for /map", 10, 20); return; }
    const v = view();
    g.imageSmoothingEnabled = false;
    g.drawImage(grid, v.ox, v.oy - map.height * v.k, map.width * v.k, map.height * v.k);
    if (path.length > 1) {
      g.strokeStyle = "#3fb950"; g.lineWidth = 2; g.beginPath();
      path.forEach(([x, y], i) => { const [px, py] = toScreen(v, x, y); i ? g.lineTo(px, py) : g.moveTo(px, py); });
      g.stroke();
    }
    const pose = robot();
    if (pose && scan) {
      const mount = compose(pose, { x: scanMount.x, y: scanMount.y, yaw: pan });
      g.fillStyle = "#f85149";
      scan.ranges.forEach((r, i) => {
        if (r === null || !(r >= scan.range_min && r <= scan.range_max)) return; // NaN, inf
        const a = mount.yaw + scan.angle_min + i * scan.angle_increment;
        const [px, py] = toScreen(v, mount.x + Math.cos(a) * r, mount.y + Math.sin(a) * r);
        g.fillRect(px - 1, py - 1, 2, 2);
      });
    }
    if (goal) { const [px, py] = toScreen(v, goal.x, goal.y); arrow(g, px, py, goal.yaw, "#d29922", 10); }
    if (pose) {
      const [px, py] = toScreen(v, pose.x, pose.y);
      arrow(g, px, py, pose.yaw, "#58a6ff", 12);
    }
    if (press?.to) {
      g.strokeStyle = settingPose ? "#58a6ff" : "#d29922"; g.lineWidth = 2; g.beginPath();
      g.moveTo(press.from[0], press.from[1]); g.lineTo(press.to[0], press.to[1]); g.stroke();
    }
  }

  function fit() { // canvas pixels follow its size on the page (desktop or phone)
    const w = Math.round(canvas.clientWidth * devicePixelRatio);
    if (w > 0 && w !== canvas.width) { canvas.width = w; canvas.height = Math.round(w * 0.75); paint(); }
  }
  new ResizeObserver(fit).observe(canvas);

  const point = (e) => {
    const rect = canvas.getBoundingClientRect();
    return [(e.clientX - rect.left) * (canvas.width / rect.width), (e.clientY - rect.top) * (canvas.height / rect.height)];
  };
  canvas.addEventListener("pointerdown", (e) => {
    if (!map) return;
    canvas.setPointerCapture(e.pointerId);
    press = { from: point(e), to: null };
  });
  canvas.addEventListener("pointermove", (e) => { if (press) { press.to = point(e); draw(); } });
  canvas.addEventListener("pointercancel", () => { press = null; draw(); });
  canvas.addEventListener("pointerup", (e) => {
    if (!press) return;
    const v = view(), [x, y] = toMap(v, ...press.from), to = point(e);
    const dx = to[0] - press.from[0], dy = press.from[1] - to[1];
    press = null;
    const pose = robot();
    let yaw = Math.hypot(dx, dy) >= DRAG_PX ? Math.atan2(dy, dx) : pose ? Math.atan2(y - pose.y, x - pose.x) : 0;
    yaw = Math.atan2(Math.sin(yaw), Math.cos(yaw));
    const header = { seq: 0, stamp: now(), frame_id: "map" };
    const target = { position: { x, y, z: 0 }, orientation: quat(yaw) };
    if (settingPose) {
      settingPose = false; $("nav-pose").classList.remove("active");
      const cov = new Array(36).fill(0); cov[0] = 0.25; cov[7] = 0.25; cov[35] = 0.0685;
      if (posePub({ header, pose: { pose: target, covariance: cov } })) status.textContent = `initial pose set at ${x.toFixed(2)}, ${y.toFixed(2)}`;
      else status.textContent = "not connected: initial pose not sent";
    } else {
      goalId = `dashboard-${Date.now()}-${++count}`;
      const sent = goalPub({ header, goal_id: { stamp: header.stamp, id: goalId }, goal: { target_pose: { header, pose: target } } });
      goal = sent ? { x, y, yaw } : null;
      status.textContent = sent ? `goal ${x.toFixed(2)}, ${y.toFixed(2)} sent; waiting for move_base` : "not connected: goal not sent";
      status.dataset.state = sent ? "sent" : "not sent";
    }
    draw();
  });
  $("nav-cancel").addEventListener("click", () => {
    // an empty id cancels every goal (also those sent from rviz or another page)
    const sent = cancelPub({ stamp: { secs: 0, nsecs: 0 }, id: "" });
    status.textContent = sent ? "cancel sent" : "not connected: cancel not sent";
    if (sent) status.dataset.state = "cancel sent";
  });
  $("nav-pose").addEventListener("click", () => {
    settingPose = !settingPose;
    $("nav-pose").classList.toggle("active", settingPose);
    status.textContent = settingPose ? "click (and drag for the heading) where the robot is" : "";
  });

  conn.addEventListener("model", (e) => {
    const mount = e.detail.pan_joint, base = Object.values(e.detail).find((j) => j.child === "base_link");
    if (mount) scanMount = { x: mount.xyz[0] + (base?.xyz[0] ?? 0), y: mount.xyz[1] + (base?.xyz[1] ?? 0) };
  });
  conn.subscribe("/map", "nav_msgs/OccupancyGrid", (m) => takeMap(m, "/map"), { throttle: 1000, stale: false });
  conn.subscribe("/sim/map", "nav_msgs/OccupancyGrid", (m) => takeMap(m, "/sim/map"), { stale: false });
  const takeTf = (m) => {
    for (const t of m.transforms) {
      if (t.header.frame_id.replace(/^\//, "") === "map" && t.child_frame_id.replace(/^\//, "") === "odom") {
        const tr = t.transform;
        mapToOdom = { x: tr.translation.x, y: tr.translation.y, yaw: yawOf(tr.rotation) };
      }
    }
  };
  // every static broadcaster latches its own message, and they come at once: keep them all
  conn.subscribe("/tf_static", "tf2_msgs/TFMessage", takeTf, { stale: false, queue: 32 });
  conn.subscribe("/tf", "tf2_msgs/TFMessage", takeTf, { throttle: 50, stale: false });
  conn.subscribe("/odom", "nav_msgs/Odometry", (m) => {
    const p = m.pose.pose; odom = { x: p.position.x, y: p.position.y, yaw: yawOf(p.orientation) };
    const pose = robot();
    if (pose) canvas.dataset.robot = `${pose.x.toFixed(3)} ${pose.y.toFixed(3)} ${pose.yaw.toFixed(3)}`;
    draw();
  }, { throttle: 200, panel: "map-panel" });
  conn.subscribe("/amcl_pose", "geometry_msgs/PoseWithCovarianceStamped", (m) => {
    const p = m.pose.pose; amcl = { x: p.position.x, y: p.position.y, yaw: yawOf(p.orientation) };
  }, { stale: false });
  conn.subscribe("/scan", "sensor_msgs/LaserScan", (m) => { scan = m; }, { throttle: 500, stale: false });
  conn.subscribe("/joint_states", "sensor_msgs/JointState", (m) => {
    const i = m.name.indexOf("pan_joint"); if (i >= 0) pan = m.position[i];
  }, { throttle: 200, stale: false });
  for (const planner of ["NavfnROS", "GlobalPlanner"]) {
    conn.subscribe(`/move_base/${planner}/plan`, "nav_msgs/Path", (m) => {
      path = m.poses.map((p) => [p.pose.position.x, p.pose.position.y]); draw();
    }, { throttle: 500, stale: false });
  }
  conn.subscribe("/move_base/status", "actionlib_msgs/GoalStatusArray", (m) => {
    const mine = m.status_list.find((s) => s.goal_id.id === goalId);
    if (!mine) return;
    status.dataset.state = STATES[mine.status] ?? String(mine.status);
    status.textContent = `goal ${status.dataset.state}${mine.text ? `: ${mine.text}` : ""}`;
    if (mine.status >= 2) { goal = null; path = []; }
  }, { throttle: 500, stale: false });
  conn.subscribe("/move_base/result", "move_base_msgs/MoveBaseActionResult", (m) => {
    if (m.status.goal_id.id !== goalId) return;
    status.dataset.state = STATES[m.status.status] ?? String(m.status.status);
    status.textContent = `goal ${status.dataset.state}${m.status.text ? `: ${m.status.text}` : ""}`;
    goal = null; path = []; draw();
  }, { stale: false });
  // Exploring (mapping mode: the explore node drives to frontiers and saves the map at the end).
  const exploreState = $("explore-state");
  conn.subscribe("/explore/status", "std_msgs/String", (m) => {
    $("explore-row").hidden = false;
    try {
      const s = JSON.parse(m.data);
      exploreState.dataset.state = s.state;
      const counts = ["reached", "failed", "frontiers"].filter((k) => s[k] !== undefined).map((k) => `${k} ${s[k]}`);
      exploreState.textContent = [s.state, s.reason, ...counts, s.map ? `map saved: ${s.map}` : ""].filter(Boolean).join(" · ");
    } catch { exploreState.textContent = m.data; }
  }, { stale: false });
  for (const [id, service] of [["explore-start", "/explore/start"], ["explore-stop", "/explore/stop"]]) {
    $(id).addEventListener("click", async () => {
      try {
        const res = await conn.call(service, "std_srvs/Trigger", {});
        if (!res.success) exploreState.textContent = res.message;
      } catch (err) { exploreState.textContent = `${service}: ${err.message}`; }
    });
  }
  setupSaveMap(conn);
  fit(); paint();
}

const SAVE_SERVICE = "/save_map";
const LOOK_MS = 10000; // how often to look for the service (it comes and goes with mapping)

function setupSaveMap(conn) {
  const row = $("map-save-row"), state = $("map-save-state"), button = $("map-save");
  const look = () => {
    if (!conn.connected) return;
    conn.call("/rosapi/services", "rosapi/Services", {}).then(
      (res) => { row.hidden = !res.services.includes(SAVE_SERVICE); },
      () => {},
    );
  };
  conn.addEventListener("connected", look);
  setInterval(look, LOOK_MS);
  button.addEventListener("click", async () => {
    button.disabled = true;
    state.dataset.state = "saving";
    state.textContent = "saving…";
    try {
      const res = await conn.call(SAVE_SERVICE, "std_srvs/Trigger", {});
      state.dataset.state = res.success ? "saved" : "failed";
      state.textContent = res.success ? `saved: ${res.message}` : `not saved: ${res.message}`;
    } catch (err) {
      state.dataset.state = "failed";
      state.textContent = `not saved: ${err.message}`;
    } finally { button.disabled = false; }
  });
}
