// An exact port of the closed-form IK in src/terry/arm/kinematics.py (reject mode): the same
// formulas in the same order, so the page and arm_ik give the same verdict and the same joints
// (test/browser/test_dashboard_ik_port_matches_python.py checks thousands of targets).
import { ARM_JOINTS } from "./urdf.js";

export const Status = { OK: 0, OUT_OF_REACH: 1, ON_YAW_AXIS: 2, JOINT_LIMIT: 3 };
const TOLERANCE = 1e-9; // rad: rounding allowed at a joint limit
const ON_AXIS = 1e-6; // m: closer than this to the yaw axis, the yaw is undefined

const limitText = (j, v) =>
  `${j.name} would be ${v.toFixed(3)} rad, limits [${j.lower.toFixed(3)}, ${j.upper.toFixed(3)}]`;

export class ArmKinematics {
  /** geometry: armGeometry(joints); joints: parseUrdf's joints (limits of the arm's joints). */
  constructor(geometry, joints) {
    const g = geometry;
    this.geometry = g;
    this.specs = ARM_JOINTS.map((n) => joints[n]);
    const elbow = joints.arm_elbow;
    this.elbowRange = [Math.max(elbow.lower, -Math.PI), Math.min(elbow.upper, 0.0)];
    if (this.elbowRange[0] > this.elbowRange[1]) throw new Error("arm_elbow limits exclude elbow up");
    this.reachMax = this.span(this.elbowRange[1]);
    this.reachMin = this.span(this.elbowRange[0]);
    this.lo = this.specs.slice(0, 4).map((j) => j.lower - TOLERANCE);
    this.hi = this.specs.slice(0, 4).map((j) => j.upper + TOLERANCE);
    this.d2 = [this.reachMin ** 2 * (1 - 1e-12), this.reachMax ** 2 * (1 + 1e-12)];
    this.uf = [g.upper ** 2 + g.forearm ** 2, 2 * g.upper * g.forearm];
  }

  span(elbow) {
    const g = this.geometry;
    return Math.sqrt(Math.max(0.0, g.upper ** 2 + g.forearm ** 2 + 2 * g.upper * g.forearm * Math.cos(elbow)));
  }

  planar(rw, zw) {
    const d2 = rw * rw + zw * zw;
    if (!(this.d2[0] <= d2 && d2 <= this.d2[1])) return null;
    const g = this.geometry;
    let c = (d2 - this.uf[0]) / this.uf[1];
    c = c > 1.0 ? 1.0 : c < -1.0 ? -1.0 : c;
    const s = -Math.sqrt(1.0 - c * c);
    const fs = g.forearm * s, fc = g.upper + g.forearm * c;
    return [Math.atan2(zw * fc - rw * fs, rw * fc + zw * fs), Math.atan2(s, c)];
  }

  /** {status, ok, reason, joints: [yaw, shoulder, elbow, wrist] | null} for the gripper at
   * (x, y, z) held at `pitch`; throws only for non-finite input. */
  solve(x, y, z, pitch = 0.0) {
    if (![x, y, z, pitch].every(Number.isFinite)) {
      throw new Error(`target x, y, z and pitch must be finite numbers, got ${[x, y, z, pitch]}`);
    }
    const g = this.geometry, lo = this.lo, hi = this.hi;
    const refuse = (status, reason) => ({ status, ok: false, reason, joints: null });
    const r = Math.hypot(x, y);
    if (r < ON_AXIS) {
      return refuse(Status.ON_YAW_AXIS, "target is on the base yaw axis, where the yaw is undefined; move it off the axis");
    }
    const yaw = Math.atan2(y, x);
    if (!(lo[0] <= yaw && yaw <= hi[0])) return refuse(Status.JOINT_LIMIT, limitText(this.specs[0], yaw));
    const rw = r - g.shoulderReach - g.hand * Math.cos(pitch);
    const zw = z - g.shoulderHeight - g.hand * Math.sin(pitch);
    const planar = this.planar(rw, zw);
    if (planar === null) {
      return refuse(Status.OUT_OF_REACH, `target puts the wrist ${Math.hypot(rw, zw).toFixed(3)} m from the shoulder; the arm reaches ${this.reachMin.toFixed(3)} .. ${this.reachMax.toFixed(3)} m`);
    }
    const [shoulder, elbow] = planar;
    const wrist = pitch - shoulder - elbow;
    const q = [yaw, shoulder, elbow, wrist];
    const bad = [1, 2, 3].find((i) => !(lo[i] <= q[i] && q[i] <= hi[i]));
    if (bad === undefined) return { status: Status.OK, ok: true, reason: "", joints: q };
    return refuse(Status.JOINT_LIMIT, limitText(this.specs[bad], q[bad]));
  }

  /** A box around everything the gripper can reach at this pitch: [rMax, zMin, zMax]. */
  bounds(pitch = 0.0) {
    const g = this.geometry;
    const r = g.shoulderReach + g.hand * Math.cos(pitch) + this.reachMax;
    const z = g.shoulderHeight + g.hand * Math.sin(pitch);
    return [r, z - this.reachMax, z + this.reachMax];
  }
}
