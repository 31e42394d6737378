// Pan and tilt: a dial (click or drag sets the pan angle), a tilt slider and radar mode.
const $ = (id) => document.getElementById(id);

export function setupPanTilt(conn) {
  const pan = conn.publisher("/pan/command", "std_msgs/Float64");
  const velocity = conn.publisher("/pan/velocity", "std_msgs/Float64");
  const tilt = conn.publisher("/tilt/command", "std_msgs/Float64");
  const dial = $("pan-dial");
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
  dial.addEventListener("click", (e) => {
    const rect = dial.getBoundingClientRect();
    const dx = e.clientX - rect.left - rect.width / 2, dy = e.clientY - rect.top - rect.height / 2;
    // Unwrapped: go the short way from where the pan is now.
    const a = Math.atan2(-dx, -dy);
    wanted = current + Math.atan2(Math.sin(a - current), Math.cos(a - current));
    $("radar").checked = false;
    pan({ data: wanted });
    draw();
  });
  $("tilt").addEventListener("input", () => tilt({ data: Number($("tilt").value) }));
  const radar = () => velocity({ data: $("radar").checked ? Number($("radar-speed").value) : 0 });
  $("radar").addEventListener("change", radar);
  $("radar-speed").addEventListener("input", () => {
    $("radar-speed-v").textContent = $("radar-speed").value;
    if ($("radar").checked) radar();
  });
  $("radar-speed-v").textContent = $("radar-speed").value;

  conn.subscribe("/joint_states", "sensor_msgs/JointState", (m) => {
    const i = m.name.indexOf("pan_joint"), j = m.name.indexOf("tilt_joint");
    if (i >= 0) { current = m.position[i]; $("pan-v").textContent = `${current.toFixed(2)} rad`; }
    if (j >= 0) $("tilt-v").textContent = `${m.position[j].toFixed(2)} rad`;
    draw();
  }, { throttle: 100 });
  draw();
}
