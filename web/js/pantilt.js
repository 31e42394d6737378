// Pan and tilt: a dial (click sets the pan angle), a tilt slider and radar mode. The tilt range
// and the radar's top speed are the URDF's (tilt_joint limits, pan_joint velocity limit), and
// the controls follow what anyone commands on /pan/velocity, /pan/command and /tilt/command.
const $ = (id) => document.getElementById(id);

export function setupPanTilt(conn) {
  const pan = conn.publisher("/pan/command", "std_msgs/Float64", { resend: true });
  const velocity = conn.publisher("/pan/velocity", "std_msgs/Float64", { resend: true });
  const tilt = conn.publisher("/tilt/command", "std_msgs/Float64", { resend: true });
  const dial = $("pan-dial"), tiltInput = $("tilt"), radarBox = $("radar"), speed = $("radar-speed");
  let current = 0, wanted = null;

  function draw() {
    const g = dial.getContext("2d"), c = dial.width / 2, r = c - 10;
    g.clearRect(0, 0, dial.width, dial.height);
    g.strokeStyle = "#444"; g.lineWidth = 2; g.beginPath(); g.arc(c, c, r, 0, 2 * Math.PI); g.stroke();
    const hand = (a, color, len) => {
      g.strokeStyle = color; g.lineWidth = 4; g.beginPath(); g.moveTo(c, c);
      g.lineTo(c - Math.sin(a) * len, c - Math.cos(a) * len); g.stroke();
    };
    if (wanted !== null) hand(wanted, "#58a6ff", r * 0.9);
    hand(current, "#e6e6e6", r * 0.7);
    g.fillStyle = "#8a93a0"; g.fillText("front", c - 12, 12);
  }
  const showSpeed = () => { $("radar-speed-v").textContent = Number(speed.value).toFixed(2); };
  const showTilt = () => { $("tilt-set").textContent = Number(tiltInput.value).toFixed(2); };

  dial.addEventListener("click", (e) => {
    const rect = dial.getBoundingClientRect();
    const dx = e.clientX - rect.left - rect.width / 2, dy = e.clientY - rect.top - rect.height / 2;
    // Unwrapped: go the short way from where the pan is now.
    const a = Math.atan2(-dx, -dy);
    wanted = current + Math.atan2(Math.sin(a - current), Math.cos(a - current));
    radarBox.checked = false;
    pan({ data: wanted });
    draw();
  });
  tiltInput.addEventListener("input", () => { showTilt(); tilt({ data: Number(tiltInput.value) }); });
  const radar = () => velocity({ data: radarBox.checked ? Number(speed.value) : 0 });
  radarBox.addEventListener("change", radar);
  speed.addEventListener("input", () => { showSpeed(); if (radarBox.checked) radar(); });

  // The robot's limits, from the URDF on the parameter server.
  conn.addEventListener("model", (e) => {
    const { tilt_joint: t, pan_joint: p } = e.detail;
    if (t) { tiltInput.min = t.lower; tiltInput.max = t.upper; }
    if (p && Number.isFinite(p.velocity)) {
      const first = speed.disabled; // the default speed is the fastest the pan allows
      speed.max = p.velocity; speed.min = p.velocity / 20; speed.disabled = false;
      if (first) speed.value = p.velocity;
    }
    showSpeed(); showTilt();
    document.body.dataset.pantilt = "ready";
  });

  // Follow every client's commands (ours come back too).
  conn.subscribe("/pan/velocity", "std_msgs/Float64", (m) => {
    radarBox.checked = m.data !== 0;
    if (m.data !== 0) { speed.value = Math.abs(m.data); showSpeed(); }
    wanted = null; draw();
  }, { stale: false });
  conn.subscribe("/pan/command", "std_msgs/Float64", (m) => {
    radarBox.checked = false; wanted = m.data; draw();
  }, { stale: false });
  conn.subscribe("/tilt/command", "std_msgs/Float64", (m) => {
    if (document.activeElement !== tiltInput) { tiltInput.value = m.data; showTilt(); }
  }, { stale: false });
  conn.subscribe("/joint_states", "sensor_msgs/JointState", (m) => {
    const i = m.name.indexOf("pan_joint"), j = m.name.indexOf("tilt_joint");
    if (i >= 0) { current = m.position[i]; $("pan-v").textContent = `${current.toFixed(2)} rad`; }
    if (j >= 0) $("tilt-v").textContent = `${m.position[j].toFixed(2)} rad`;
    if (i >= 0) draw();
  }, { throttle: 100, panel: "pantilt-panel" });
  showSpeed(); showTilt(); draw();
}
