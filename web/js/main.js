// Boot: ask the server where the bridge is, connect, read the robot model at each connect (an
// event "model" with the URDF's joints), start every panel, and keep the page honest: with the
// bridge down every value greys out, and a panel whose streams or board link went silent is
// marked stale.
import { Connection } from "./connection.js";
import { setupArm } from "./arm.js";
import { setupBase } from "./base.js";
import { setupCamera } from "./camera.js";
import { setupDiagnostics } from "./diagnostics.js";
import { setupLog } from "./log.js";
import { setupMap } from "./map.js";
import { setupPanTilt } from "./pantilt.js";
import { setupSafety } from "./safety.js";
import { setupSensors } from "./sensors.js";
import { setupServoCalibration } from "./servocal.js";
import { setupTuning } from "./tuning.js";
import { parseUrdf } from "./urdf.js";

const STALE_MS = 2000;

async function bridgeUrl() {
  const response = await fetch("bridge.json", { cache: "no-store" });
  if (!response.ok) throw new Error(`bridge.json: HTTP ${response.status}`);
  return (await response.json()).url;
}

async function start() {
  const badge = document.getElementById("conn");
  let url;
  try {
    url = await bridgeUrl();
  } catch (err) {
    badge.textContent = `no bridge address: ${err.message}`;
    return;
  }
  const conn = new Connection(url);
  window.terry = conn; // for the console and the tests
  const show = (state, text) => {
    badge.dataset.state = state; badge.textContent = text;
    badge.className = `badge ${state === "connected" ? "ok" : "bad"}`;
    document.body.dataset.link = state === "connected" ? "up" : "down";
  };
  setupSafety(conn); // first: its "connected" listener re-sends the e-stop before anything else
  conn.addEventListener("connected", () => show("connected", "connected"));
  conn.addEventListener("disconnected", () => show("reconnecting", "disconnected: reconnecting…"));
  const loadModel = async () => { // at each connect, and again every 2 s until it works
    try {
      conn.emit("model", parseUrdf(await conn.getParam("/robot_description")));
    } catch (err) {
      document.getElementById("arm-reach").textContent = `no robot model: ${err.message}`;
      if (conn.connected) setTimeout(loadModel, 2000);
    }
  };
  conn.addEventListener("connected", loadModel);
  setupArm(conn);
  setupServoCalibration(conn);
  setupPanTilt(conn);
  setupBase(conn);
  setupMap(conn);
  setupSensors(conn);
  setupCamera(conn);
  setupTuning(conn);
  const linkPanels = setupDiagnostics(conn);
  setupLog(conn);
  const stale = document.getElementById("stale");
  setInterval(() => {
    const subs = conn.connected ? conn.stale(STALE_MS) : [];
    const names = subs.map((s) => s.name);
    stale.hidden = names.length === 0;
    stale.textContent = `stale: ${[...new Set(names)].join(", ")}`;
    stale.title = `no message for ${STALE_MS / 1000} s`;
    const panels = new Set([...subs.map((s) => s.options.panel), ...linkPanels()]);
    for (const el of document.querySelectorAll("main > .panel")) el.classList.toggle("stale", panels.has(el.id));
  }, 500);
}

start();
