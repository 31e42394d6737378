// The robot model from the URDF on the parameter server (/robot_description): joints with their
// limits, and the arm's geometry, read exactly as src/terry/model.py reads them.
export const ARM_JOINTS = ["arm_base_yaw", "arm_shoulder", "arm_elbow", "arm_wrist", "arm_claw"];
const PITCH_AXIS = [0, -1, 0];

function vector(text, fallback) {
  if (text === null || text === undefined || text === "") return fallback;
  const values = text.trim().split(/\s+/).map(Number);
  if (values.length !== 3 || values.some((v) => Number.isNaN(v))) {
    throw new Error(`expected three numbers, got "${text}"`);
  }
  return values;
}

const child = (el, tag) => Array.from(el.childNodes).find((n) => n.nodeName === tag) ?? null;
const attr = (el, name) => (el && el.hasAttribute(name) ? el.getAttribute(name) : null);

/** name -> {name, type, parent, child, xyz, rpy, axis, lower, upper, velocity} of a URDF text.
 * Parser: the DOMParser class (the browser's; tests under node pass @xmldom's). */
export function parseUrdf(text, Parser = globalThis.DOMParser) {
  const doc = new Parser().parseFromString(text, "text/xml");
  const robot = doc.documentElement;
  if (!robot || robot.nodeName !== "robot") throw new Error("robot_description is not a URDF");
  const joints = {};
  for (const el of Array.from(robot.childNodes).filter((n) => n.nodeName === "joint")) {
    const type = attr(el, "type") ?? "";
    const bounded = type === "revolute" || type === "prismatic";
    const origin = child(el, "origin"), limit = child(el, "limit");
    const num = (key, fallback) => (attr(limit, key) !== null ? Number(attr(limit, key)) : fallback);
    joints[attr(el, "name")] = {
      name: attr(el, "name"),
      type,
      parent: attr(child(el, "parent"), "link"),
      child: attr(child(el, "child"), "link"),
      xyz: vector(attr(origin, "xyz"), [0, 0, 0]),
      rpy: vector(attr(origin, "rpy"), [0, 0, 0]),
      axis: vector(attr(child(el, "axis"), "xyz"), [1, 0, 0]),
      lower: bounded ? num("lower", 0) : -Infinity,
      upper: bounded ? num("upper", 0) : Infinity,
      velocity: num("velocity", Infinity),
    };
  }
  return joints;
}

function planarOffset(joint) {
  const [x, y, z] = joint.xyz;
  if (Math.abs(y) > 1e-9 || joint.rpy.some((a) => Math.abs(a) > 1e-9)) {
    throw new Error(`${joint.name}: the closed-form IK needs the arm laid out in the yaw plane`);
  }
  return [x, z];
}

const same = (a, b) => a.every((v, i) => v === b[i]);

/** The arm's chain in the yaw plane (m), as terry.model.arm_geometry. */
export function armGeometry(joints) {
  const missing = ARM_JOINTS.filter((n) => !joints[n]);
  if (missing.length) throw new Error(`the robot model lacks ${missing.join(", ")}`);
  const [yaw, shoulder, elbow, wrist] = ARM_JOINTS.map((n) => joints[n]);
  if (!same(yaw.axis, [0, 0, 1])) throw new Error("arm_base_yaw must turn about z");
  for (const j of [shoulder, elbow, wrist]) {
    if (!same(j.axis, PITCH_AXIS)) throw new Error(`${j.name} must pitch about axis 0 -1 0`);
  }
  for (const [p, c] of [[yaw, shoulder], [shoulder, elbow], [elbow, wrist]]) {
    if (c.parent !== p.child) throw new Error(`${c.name} must follow ${p.name} in the chain`);
  }
  const gripper = Object.values(joints).find((j) => j.child === "gripper_link");
  if (!gripper || gripper.parent !== wrist.child) {
    throw new Error("gripper_link must be fixed to the wrist link");
  }
  const [yawX, yawZ] = planarOffset(yaw), [shX, shZ] = planarOffset(shoulder);
  const [upper, upperZ] = planarOffset(elbow), [forearm, forearmZ] = planarOffset(wrist);
  const [hand, handZ] = planarOffset(gripper);
  if (Math.abs(yawX) > 1e-9 || Math.max(Math.abs(upperZ), Math.abs(forearmZ), Math.abs(handZ)) > 1e-9) {
    throw new Error("arm links must lie along x of their frames, yaw axis at arm_base_link");
  }
  return { shoulderHeight: yawZ + shZ, shoulderReach: shX, upper, forearm, hand };
}
