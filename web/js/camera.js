// What the Kinect sees: its depth image (near is bright, no reading is dark red) or a camera
// image when there is one, only while "camera" is ticked (an image is large), throttled by the
// bridge to the latest frame twice a second so the view never lags the robot.
const $ = (id) => document.getElementById(id);
const TOPICS = [["/camera/depth/image_raw", "depth"], ["/camera/rgb/image_color", "camera"]];
const THROTTLE_MS = 500;
const FAR_MM = 5000;

function bytes(data) { // uint8[] arrives base64-encoded (rosbridge's convention)
  if (typeof data !== "string") return Uint8Array.from(data);
  const text = atob(data), out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/** RGBA pixels of a sensor_msgs/Image, or null for an encoding this page does not draw. */
export function pixels(msg) {
  const raw = bytes(msg.data), n = msg.width * msg.height, out = new Uint8ClampedArray(n * 4);
  const view = new DataView(raw.buffer);
  const little = !msg.is_bigendian;
  for (let i = 0; i < n; i++) {
    const row = Math.floor(i / msg.width), col = i % msg.width, at = row * msg.step;
    let r, g, b;
    switch (msg.encoding) {
      case "16UC1": case "32FC1": {
        const mm = msg.encoding === "16UC1" ? view.getUint16(at + col * 2, little) : view.getFloat32(at + col * 4, little) * 1000;
        if (!(mm > 0)) { r = 60; g = 0; b = 0; break; }
        r = g = b = 255 * (1 - Math.min(mm, FAR_MM) / FAR_MM);
        break;
      }
      case "rgb8": [r, g, b] = raw.subarray(at + col * 3, at + col * 3 + 3); break;
      case "bgr8": [b, g, r] = raw.subarray(at + col * 3, at + col * 3 + 3); break;
      case "mono8": r = g = b = raw[at + col]; break;
      default: return null;
    }
    out.set([r, g, b, 255], i * 4);
  }
  return out;
}

export function setupCamera(conn) {
  const canvas = $("camera"), box = $("camera-on"), info = $("camera-info");
  let subs = [];
  function show(msg, kind) {
    const rgba = pixels(msg);
    if (!rgba) { info.textContent = `${kind}: cannot draw encoding ${msg.encoding}`; return; }
    canvas.width = msg.width; canvas.height = msg.height;
    canvas.getContext("2d").putImageData(new ImageData(rgba, msg.width, msg.height), 0, 0);
    const age = Date.now() - (msg.header.stamp.secs * 1000 + msg.header.stamp.nsecs / 1e6);
    info.textContent = `${kind} ${msg.width}×${msg.height}, ${Math.round(age)} ms old`;
    canvas.dataset.frames = String(Number(canvas.dataset.frames ?? 0) + 1);
  }
  box.addEventListener("change", () => {
    for (const sub of subs) conn.unsubscribe(sub);
    subs = [];
    canvas.hidden = !box.checked;
    info.textContent = box.checked ? "waiting for an image" : "";
    if (box.checked) {
      subs = TOPICS.map(([topic, kind]) => conn.subscribe(topic, "sensor_msgs/Image", (m) => show(m, kind), { throttle: THROTTLE_MS, panel: "sensor-panel" }));
    }
  });
}
