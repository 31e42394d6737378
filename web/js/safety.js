// The e-stop: a big button and the Space key publish /estop true (latched); the banner stays
// until the user releases it explicitly.
export function setupSafety(conn) {
  const publish = conn.publisher("/estop", "std_msgs/Bool", true);
  const button = document.getElementById("estop");
  const banner = document.getElementById("estop-banner");
  const state = { stopped: false };

  const show = (stopped) => {
    state.stopped = stopped;
    banner.hidden = !stopped;
    button.classList.toggle("active", stopped);
    document.body.dataset.estop = stopped ? "on" : "off";
  };
  const stop = () => { publish({ data: true }); show(true); };
  button.addEventListener("pointerdown", stop);
  button.addEventListener("click", stop);
  document.getElementById("estop-release").addEventListener("click", () => {
    if (publish({ data: false })) show(false);
  });
  window.addEventListener("keydown", (e) => {
    if (e.code === "Space" && !(e.target instanceof HTMLInputElement && e.target.type === "text")) {
      e.preventDefault();
      stop();
    }
  });
  // What the robot says counts (another client may have stopped it).
  conn.subscribe("/estop", "std_msgs/Bool", (m) => show(m.data), { stale: false });
  conn.addEventListener("connected", () => { if (state.stopped) publish({ data: true }); });
  return state;
}
