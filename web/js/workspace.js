// The arm's reachable workspace, from the robot model on the parameter server (URDF in
// robot_description): the same closed form as src/terry/kinematics.py, wrist held level.
const ARM = ["arm_base_yaw", "arm_shoulder", "arm_elbow", "arm_wrist", "arm_claw"];
const TOL = 1e-9;

function numbers(text, fallback) {
  return text ? text.trim().split(/\s+/).map(Number) : fallback;
}

/** Joints of a URDF string: name -> {parent, child, xyz, limits}. */
export function parseUrdf(text) {
  const doc = new DOMParser().parseFromString(text, "application/xml");
  const joints = {};
  for (const j of doc.querySelectorAll("robot > joint")) {
    const origin = j.querySelector("origin");
    const limit = j.querySelector("limit");
    joints[j.getAttribute("name")] = {
      parent: j.querySelector("parent")?.getAttribute("link"),
      child: j.querySelector("child")?.getAttribute("link"),
      xyz: numbers(origin?.getAttribute("xyz"), [0, 0, 0]),
      lower: limit ? Number(limit.getAttribute("lower")) : -Math.PI,
      upper: limit ? Number(limit.getAttribute("upper")) : Math.PI,
    };
  }
  return joints;
}

export class Workspace {
  constructor(joints) {
    const missing = ARM.filter((n) => !joints[n]);
    if (missing.length) throw new Error(`robot model lacks ${missing.join(", ")}`);
    const [yaw, shoulder, elbow, wrist] = ARM.map((n) => joints[n]);
    const gripper = Object.values(joints).find((j) => j.child === "gripper_link");
    if (!gripper) throw new Error("robot model has no gripper_link");
    this.limits = Object.fromEntries(ARM.map((n) => [n, [joints[n].lower, joints[n].upper]]));
    this.shoulderHeight = yaw.xyz[2] + shoulder.xyz[2];
    this.shoulderReach = shoulder.xyz[0];
    this.upper = elbow.xyz[0];
    this.forearm = wrist.xyz[0];
    this.hand = gripper.xyz[0];
    const e = this.limits.arm_elbow;
    this.elbowRange = [Math.max(e[0], -Math.PI), Math.min(e[1], 0)];
    this.reachMax = this.span(this.elbowRange[1]);
    this.reachMin = this.span(this.elbowRange[0]);
  }

  span(elbow) {
    const { upper: u, forearm: f } = this;
    return Math.sqrt(Math.max(0, u * u + f * f + 2 * u * f * Math.cos(elbow)));
  }

  within(name, value) {
    const [lo, hi] = this.limits[name];
    return value >= lo - TOL && value <= hi + TOL;
  }

  /** {ok: true} or {ok: false, reason} for the gripper at x, y, z, held level. */
  check(x, y, z) {
    const r = Math.hypot(x, y);
    if (r < 1e-6) return { ok: false, reason: "on the yaw axis" };
    const yaw = Math.atan2(y, x);
    if (!this.within("arm_base_yaw", yaw)) return { ok: false, reason: "outside the yaw limits" };
    return this.checkPlanar(r, z);
  }

  /** Reachability in the arm's vertical plane: r out from the yaw axis, z up. */
  checkPlanar(r, z) {
    const rw = r - this.shoulderReach - this.hand;
    const zw = z - this.shoulderHeight;
    const d2 = rw * rw + zw * zw;
    if (d2 < this.reachMin ** 2 * (1 - 1e-12) || d2 > this.reachMax ** 2 * (1 + 1e-12)) {
      return { ok: false, reason: "out of reach" };
    }
    const { upper: u, forearm: f } = this;
    const c = Math.min(1, Math.max(-1, (d2 - u * u - f * f) / (2 * u * f)));
    const s = -Math.sqrt(1 - c * c);
    const fs = f * s, fc = u + f * c;
    const shoulder = Math.atan2(zw * fc - rw * fs, rw * fc + zw * fs);
    const elbow = Math.atan2(s, c);
    const wrist = -shoulder - elbow;
    for (const [name, v] of [["arm_shoulder", shoulder], ["arm_elbow", elbow], ["arm_wrist", wrist]]) {
      if (!this.within(name, v)) return { ok: false, reason: `${name} limit` };
    }
    return { ok: true };
  }

  /** A box around everything the gripper can reach: [rMax, zMin, zMax]. */
  bounds() {
    const reach = this.shoulderReach + this.hand + this.reachMax;
    return [reach, this.shoulderHeight - this.reachMax, this.shoulderHeight + this.reachMax];
  }
}
