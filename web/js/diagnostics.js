// Diagnostics: every /diagnostics entry (each board's link: connected or lost, reconnects,
// errors), this page's own link to the bridge, the bridge's client count, and /battery when the robot has one. A lost or
// silent link marks the panels that depend on it as stale (linkPanels()).
const $ = (id) => document.getElementById(id);
const LEVELS = ["OK", "WARN", "ERROR", "STALE"];
const SILENT_MS = 3000; // entries come every second
const KEYS = /reconnect|error|timeout|fail|drop/i; // counters worth a look when not zero
const QUIET = /^(0|False|)$/;
// Which panel shows what a board measures or moves.
const PANELS = [[/maestro|servo/i, "arm-panel"], [/pan/i, "pantilt-panel"], [/base/i, "base-panel"], [/imu/i, "sensor-panel"]];

export function setupDiagnostics(conn) {
  const entries = new Map(); // name -> {status, at}
  const body = $("diag").tBodies[0];
  let reconnects = -1;
  let clients = null; // the bridge's /client_count (every page, tool and script connected)
  conn.addEventListener("connected", () => { reconnects += 1; });

  const level = (e) => (performance.now() - e.at > SILENT_MS ? 3 : Math.min(e.status.level, 3));
  function render() {
    body.replaceChildren();
    const row = (name, lvl, text) => {
      const tr = body.insertRow();
      tr.className = `level${lvl}`;
      tr.dataset.name = name;
      tr.insertCell().textContent = name;
      tr.insertCell().textContent = LEVELS[lvl];
      tr.insertCell().textContent = text;
    };
    row("this page → bridge", conn.connected ? 0 : 2, `${conn.connected ? "connected" : "lost"}, ${Math.max(0, reconnects)} reconnects`);
    if (clients !== null) row("bridge clients", conn.connected ? 0 : 3, `${clients} connected`);
    for (const [name, e] of [...entries].sort()) {
      const lvl = level(e);
      const values = e.status.values.filter((kv) => KEYS.test(kv.key) && !QUIET.test(kv.value) && kv.key !== "last error")
        .map((kv) => `${kv.key} ${kv.value}`);
      const said = lvl === 3 && e.status.level < 3 ? `silent for ${((performance.now() - e.at) / 1000).toFixed(0)} s` : e.status.message;
      row(name, lvl, [said, ...values].join(" · "));
    }
  }
  conn.subscribe("/diagnostics", "diagnostic_msgs/DiagnosticArray", (m) => {
    for (const status of m.status) entries.set(status.name, { status, at: performance.now() });
  }, { stale: false });
  conn.subscribe("/client_count", "std_msgs/Int32", (m) => { clients = m.data; render(); }, { stale: false });
  conn.subscribe("/battery", "sensor_msgs/BatteryState", (m) => {
    const pct = m.percentage >= 0 && m.percentage <= 1 ? ` ${(m.percentage * 100).toFixed(0)} %` : "";
    $("battery").hidden = false;
    $("battery").textContent = `battery ${m.voltage.toFixed(2)} V${pct}`;
  }, { panel: "diag-panel" });
  setInterval(render, 1000);
  render();

  /** Panels whose board link is lost or silent. */
  return function linkPanels() {
    const out = new Set();
    for (const [name, e] of entries) {
      if (level(e) < 2) continue;
      for (const [pattern, panel] of PANELS) if (pattern.test(name)) out.add(panel);
    }
    return out;
  };
}
