// The e-stop: a big button and the Space key publish /estop true (latched); the banner stays
// until the user releases it explicitly. The banner follows what the robot says (/estop/state
// from the estop node when it runs, else /estop), whoever stopped it, and /estop/status says who
// and why. A STOP pressed while the bridge is down is shown as not delivered and is the first
// thing sent on reconnect.
const $ = (id) => document.getElementById(id);

export function setupSafety(conn) {
  const publish = conn.publisher("/estop", "std_msgs/Bool", { latch: true });
  const button = $("estop"), banner = $("estop-banner"), text = $("estop-text");
  // confirming: our STOP was sent on reconnect, and the robot's own word on it has not come yet.
  const state = { stopped: false, undelivered: false, confirming: false, fromState: false, status: null };

  const who = () => { // the estop node's /estop/status: who stopped it, why, since when
    const st = state.status;
    if (!st?.engaged) return "";
    const since = st.since ? ` since ${new Date(st.since * 1000).toLocaleTimeString()}` : "";
    return ` (${st.who ?? "someone"}${st.why ? `: ${st.why}` : ""}${since})`;
  };
  const show = () => {
    banner.hidden = !state.stopped;
    button.classList.toggle("active", state.stopped);
    document.body.dataset.estop = state.undelivered ? "undelivered" : state.stopped ? "on" : "off";
    text.textContent = state.undelivered
      ? "STOP NOT DELIVERED: no connection to the robot. It is sent the moment the link is back."
      : state.confirming
        ? "STOP sent on reconnecting: waiting for the robot to confirm it."
        : `EMERGENCY STOP: every actuator holds.${who()}`;
    banner.classList.toggle("undelivered", state.undelivered);
  };
  const stop = () => {
    state.stopped = true;
    state.undelivered = !publish({ data: true });
    show();
  };
  button.addEventListener("pointerdown", stop);
  button.addEventListener("click", stop);
  $("estop-release").addEventListener("click", () => {
    if (publish({ data: false })) {
      Object.assign(state, { stopped: false, undelivered: false, confirming: false });
      show();
    }
    else text.textContent = "Not connected: the e-stop cannot be released from here now.";
  });
  window.addEventListener("keydown", (e) => {
    if (e.code === "Space" && !(e.target instanceof HTMLInputElement && e.target.type === "text")) {
      e.preventDefault();
      stop();
    }
  });
  // What the robot says counts (another client may have stopped or released it).
  const heard = (stopped) => {
    if (state.undelivered) return; // ours has not arrived yet: keep showing it
    // A latched "released" the bridge replays on resubscribing predates the STOP just sent.
    if (state.confirming && !stopped) return;
    state.confirming = false;
    state.stopped = stopped;
    show();
  };
  conn.subscribe("/estop/state", "std_msgs/Bool", (m) => { state.fromState = true; heard(m.data); }, { stale: false });
  conn.subscribe("/estop/status", "std_msgs/String", (m) => {
    try { state.status = JSON.parse(m.data); } catch { state.status = null; }
    show();
  }, { stale: false });
  conn.subscribe("/estop", "std_msgs/Bool", (m) => { if (!state.fromState) heard(m.data); }, { stale: false });
  // Registered before every other panel's listener: on reconnect the stop goes first.
  conn.addEventListener("connected", () => {
    if (state.stopped) state.confirming = publish({ data: true });
    state.undelivered = false;
    show();
  });
  show();
  return state;
}
