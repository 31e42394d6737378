// Boot: ask the server where the bridge is, connect, and start every panel.
import { Connection } from "./connection.js";
import { setupArm } from "./arm.js";
import { setupBase } from "./base.js";
import { setupLog } from "./log.js";
import { setupPanTilt } from "./pantilt.js";
import { setupSafety } from "./safety.js";
import { setupSensors } from "./sensors.js";

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
  const show = (state, text) => { badge.dataset.state = state; badge.textContent = text; badge.className = `badge ${state === "connected" ? "ok" : "bad"}`; };
  conn.addEventListener("connected", () => show("connected", "connected"));
  conn.addEventListener("disconnected", () => show("reconnecting", "reconnecting…"));
  setupSafety(conn);
  setupArm(conn);
  setupPanTilt(conn);
  setupBase(conn);
  setupSensors(conn);
  setupLog(conn);
  const stale = document.getElementById("stale");
  setInterval(() => {
    const names = conn.connected ? conn.stale(STALE_MS) : [];
    stale.hidden = names.length === 0;
    stale.textContent = `stale: ${names.join(", ")}`;
    stale.title = `no message for ${STALE_MS / 1000} s`;
  }, 500);
}

start();
