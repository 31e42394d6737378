// Base teleop: keys (arrows/WASD), an on-screen joystick and a gamepad (Gamepad API: the left
// stick while a shoulder button, the dead-man, is held). While held, /cmd_vel is republished
// every 100 ms; letting go, losing focus or losing the connection sends zero (and the base
// controller stops by itself when commands stop arriving). The speeds are the base
// controller's own limits (~max_linear, ~max_angular).
const $ = (id) => document.getElementById(id);
const PERIOD_MS = 100;
const KEYS = {
  ArrowUp: [1, 0], KeyW: [1, 0], ArrowDown: [-1, 0], KeyS: [-1, 0],
  ArrowLeft: [0, 1], KeyA: [0, 1], ArrowRight: [0, -1], KeyD: [0, -1],
};
const DEAD_MAN = [4, 5]; // the shoulder buttons of the standard gamepad mapping
const DEAD_ZONE = 0.1;

export function setupBase(conn) {
  const publish = conn.publisher("/cmd_vel", "geometry_msgs/Twist");
  const held = new Set();
  let stick = null; // [forward, left] in -1..1 while dragging
  let fromPad = null; // the same from a gamepad while its dead-man button is held
  let timer = null, maxTurn = 0;

  const command = () => {
    let f = 0, l = 0;
    for (const k of held) { f += KEYS[k][0]; l += KEYS[k][1]; }
    if (fromPad) [f, l] = fromPad;
    if (stick) [f, l] = stick;
    const max = Number($("base-max").value);
    return [Math.max(-1, Math.min(1, f)) * max, Math.max(-1, Math.min(1, l)) * maxTurn];
  };
  const twist = (v, w) => ({ linear: { x: v, y: 0, z: 0 }, angular: { x: 0, y: 0, z: w } });
  const show = (v, w) => { $("base-cmd").textContent = `${v.toFixed(2)} m/s, ${w.toFixed(2)} rad/s`; };

  function tick() {
    const [v, w] = command();
    publish(twist(v, w));
    show(v, w);
  }
  function start() {
    if (timer) return;
    tick();
    timer = setInterval(tick, PERIOD_MS);
  }
  function stop() {
    held.clear();
    stick = null;
    fromPad = null;
    clearInterval(timer);
    timer = null;
    publish(twist(0, 0));
    show(0, 0);
    knob.style.transform = "";
  }
  const active = () => held.size > 0 || stick !== null || fromPad !== null;

  // WASD drive unless the user is typing; the arrows only while no control has the focus
  // (a slider keeps its arrows; after a pointer drag a slider lets go of the focus, below).
  const typing = (el) => el instanceof HTMLTextAreaElement || el?.isContentEditable ||
    (el instanceof HTMLInputElement && !["range", "checkbox", "button"].includes(el.type));
  const focused = (el) => el instanceof HTMLInputElement || el instanceof HTMLSelectElement;
  window.addEventListener("keydown", (e) => {
    if (!(e.code in KEYS) || typing(e.target)) return;
    if (e.code.startsWith("Arrow") && focused(e.target)) return;
    e.preventDefault();
    held.add(e.code);
    start();
  });
  window.addEventListener("keyup", (e) => {
    if (!held.delete(e.code)) return;
    if (!active()) stop();
  });
  document.addEventListener("pointerup", (e) => {
    if (e.target instanceof HTMLInputElement && e.target.type === "range") e.target.blur();
  });
  window.addEventListener("blur", stop);
  document.addEventListener("visibilitychange", () => { if (document.hidden) stop(); });
  conn.addEventListener("disconnected", stop);

  const pad = $("joystick"), knob = pad.querySelector(".knob");
  function drag(e) {
    const r = pad.getBoundingClientRect();
    const half = r.width / 2;
    let dx = (e.clientX - r.left - half) / half, dy = (e.clientY - r.top - half) / half;
    const n = Math.hypot(dx, dy);
    if (n > 1) { dx /= n; dy /= n; }
    stick = [-dy, -dx];
    knob.style.transform = `translate(${dx * (half - 28)}px, ${dy * (half - 28)}px)`;
    start();
  }
  pad.addEventListener("pointerdown", (e) => { pad.setPointerCapture(e.pointerId); drag(e); });
  pad.addEventListener("pointermove", (e) => { if (stick) drag(e); });
  for (const ev of ["pointerup", "pointercancel", "lostpointercapture"]) {
    pad.addEventListener(ev, () => { if (stick) { stick = null; if (!active()) stop(); } });
  }
  // The gamepad, polled: no motion unless a dead-man button is held; letting it go stops.
  let padWasActive = false;
  setInterval(() => {
    const gp = [...(navigator.getGamepads?.() ?? [])].find((g) => g?.connected);
    const armed = gp && DEAD_MAN.some((i) => gp.buttons[i]?.pressed);
    $("gamepad").textContent = gp ? `gamepad: ${armed ? "driving" : "hold a shoulder button to drive"}` : "";
    if (armed && conn.connected) {
      const axis = (i) => (Math.abs(gp.axes[i] ?? 0) < DEAD_ZONE ? 0 : gp.axes[i]);
      fromPad = [-axis(1), -axis(0)];
      padWasActive = true;
      start();
    } else if (padWasActive) {
      padWasActive = false;
      fromPad = null;
      if (!active()) stop();
    }
  }, PERIOD_MS);

  const maxInput = $("base-max");
  const showMax = () => { $("base-max-v").textContent = Number(maxInput.value).toFixed(2); };
  maxInput.addEventListener("input", showMax);
  conn.addEventListener("connected", async () => {
    try {
      const [linear, angular] = await Promise.all(["max_linear", "max_angular"].map((k) => conn.getParam(`/base_controller/${k}`)));
      if (!(linear > 0 && angular > 0)) throw new Error("no speed limits");
      const first = maxInput.disabled;
      maxInput.max = linear; maxInput.min = linear / 10; maxInput.disabled = false;
      if (first) maxInput.value = linear / 2;
      maxTurn = angular;
      $("base-limits").textContent = `(base limits ${linear} m/s, ${angular} rad/s)`;
    } catch (err) {
      $("base-limits").textContent = `no base controller limits: ${err.message}`;
    }
    showMax();
  });
  showMax();

  conn.subscribe("/odom", "nav_msgs/Odometry", (m) => {
    const p = m.pose.pose.position, t = m.twist.twist, stamp = m.header.stamp;
    const lag = Date.now() - (stamp.secs * 1000 + stamp.nsecs / 1e6);
    $("lag").textContent = `lag ${Math.round(lag)} ms`;
    $("odom").textContent = `x ${p.x.toFixed(2)} y ${p.y.toFixed(2)} m · ${t.linear.x.toFixed(2)} m/s ${t.angular.z.toFixed(2)} rad/s`;
  }, { throttle: 100, panel: "base-panel" });
}
