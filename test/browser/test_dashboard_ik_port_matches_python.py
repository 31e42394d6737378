"""The page's IK (web/js/kinematics.js, fed from the URDF by web/js/urdf.js) gives the same answer
as the robot's (terry.arm.kinematics) on thousands of targets, reachable or not: the same result
code and reason, the same joints within 1e-9 rad. Runs the page's modules in node (no ROS)."""

from __future__ import annotations

import json
import shutil
import subprocess

import numpy as np
import pytest
from fixtures.harness import REPO

from terry.arm.kinematics import PITCH_JOINTS, ArmKinematics
from terry.model import load_robot

ARM = ArmKinematics.from_robot(load_robot())
PITCHES = [0.0, 0.3, -0.5, 1.2]
RUNNER = """
import { readFileSync } from "node:fs";
import { DOMParser } from "WEB/node_modules/@xmldom/xmldom/lib/index.js";
import { parseUrdf, armGeometry } from "WEB/js/urdf.js";
import { ArmKinematics } from "WEB/js/kinematics.js";
const joints = parseUrdf(readFileSync(process.argv[2], "utf8"), DOMParser);
const arm = new ArmKinematics(armGeometry(joints), joints);
const { targets, pitch } = JSON.parse(readFileSync(0, "utf8"));
const out = targets.map(([x, y, z]) => arm.solve(x, y, z, pitch));
process.stdout.write(JSON.stringify(out.map((r) => [r.status, r.reason, r.joints])));
"""


def targets(pitch: float, rng: np.random.Generator) -> np.ndarray:
    """Points over and around the workspace, and points exactly on or next to its boundary
    (forward kinematics of joints at, just inside and just beyond their limits)."""
    box = rng.uniform([-0.35, -0.35, -0.25], [0.35, 0.35, 0.4], size=(3000, 3))
    specs = [ARM.limits[n] for n in PITCH_JOINTS]
    joints = np.column_stack([rng.uniform(s.lower - 0.1, s.upper + 0.1, 1500) for s in specs])
    edge = rng.integers(0, 4, 1500)
    joints[np.arange(1500), edge] = np.where(
        rng.random(1500) < 0.5, [specs[i].lower for i in edge], [specs[i].upper for i in edge]
    )
    joints[:, 3] = pitch - joints[:, 1] - joints[:, 2]
    fk = ARM.forward_batch(joints)[:, :3]
    axis = np.array([[0.0, 0.0, 0.1], [1e-7, 0.0, 0.05], [0.0, -1e-6, 0.0]])
    return np.vstack([box, fk, axis])


@pytest.mark.parametrize("pitch", PITCHES)
def test_page_ik_gives_the_robots_answer_on_thousands_of_targets(pitch, tmp_path):
    node = shutil.which("node")
    assert node, "node (Debian's nodejs) is needed to run the page's modules"
    runner = tmp_path / "ik_port_check.mjs"
    runner.write_text(RUNNER.replace("WEB/", (REPO / "web").as_uri() + "/"))
    points = targets(pitch, np.random.default_rng(PITCHES.index(pitch)))
    done = subprocess.run(  # the page's modules have no "type": "module" package.json
        [node, "--experimental-detect-module", str(runner), str(REPO / "urdf" / "terry.urdf")],
        input=json.dumps({"targets": points.tolist(), "pitch": pitch}),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    answers = json.loads(done.stdout)
    assert len(answers) == len(points)
    kinds = set()
    for (x, y, z), (status, reason, joints) in zip(points.tolist(), answers, strict=True):
        want = ARM.solve(x, y, z, pitch=pitch)
        kinds.add(int(want.status))
        assert (status, reason) == (int(want.status), want.reason), (x, y, z)
        if want.ok:
            expected = [want.joints[n] for n in PITCH_JOINTS]
            assert max(map(abs, np.subtract(joints, expected))) <= 1e-9, (x, y, z)
        else:
            assert joints is None
    assert kinds == {0, 1, 2, 3}, f"every kind of answer should be met, got {kinds}"
