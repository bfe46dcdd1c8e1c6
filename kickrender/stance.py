"""Body stance (joint angles) -> driven bone rotations, with floor-contact solving."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from .body import Body
from .pose import Posed, Rig, align, forward_kinematics, rot_axis, rot_x, skin, slerp_rot

SIDES = ("L", "R")


@dataclass
class Leg:
    hip: np.ndarray = field(default_factory=lambda: np.eye(3))  # Q_hip (body coords)
    knee: float = 0.0  # flexion, degrees
    ankle: float = 0.0  # plantarflexion +, degrees


@dataclass
class Arm:
    shoulder: np.ndarray = field(default_factory=lambda: np.eye(3))  # Q_shoulder
    elbow: float = 0.0  # flexion, degrees
    hand_world: tuple | None = None  # (finger direction, palm normal) in world, or None
    wrist: np.ndarray = field(default_factory=lambda: np.eye(3))  # Q_wrist if not world


@dataclass
class Stance:
    up: np.ndarray  # world direction of the pelvis "up" (toward the head)
    front: np.ndarray  # world direction of the belly
    lumbar_arch: float = 0.0  # extension of spine05+04+03, degrees (+ = arched)
    thoracic_flex: float = 0.0  # flexion of spine02+01
    neck_flex: float = 0.0
    legs: dict[str, Leg] = field(default_factory=lambda: {s: Leg() for s in SIDES})
    arms: dict[str, Arm] = field(default_factory=lambda: {s: Arm() for s in SIDES})
    root_pos: np.ndarray = field(default_factory=lambda: np.zeros(3))
    pitch: float = 0.0  # extra rotation about world y through the root (solver output)
    # limbs ("leg.L", "arm.R", ...) planted on the floor: their joint rotations are given as
    # if the trunk had no arch and no solver pitch, so they keep their world direction
    planted: tuple = ()
    plant_weight: dict = field(default_factory=dict)  # partial planting, e.g. {"leg.R": 0.3}


def hip_q(ext: float, abd: float = 0.0, side: str = "L", abd_flexed: float = 0.0) -> np.ndarray:
    """Hip rotation: sagittal extension (+ back, - flexion), abduction in the frontal plane,
    and abduction of a flexed thigh about the trunk axis (fire hydrant)."""
    sgn = 1.0 if side == "L" else -1.0
    from .pose import rot_y, rot_z

    return rot_z(sgn * abd_flexed) @ rot_y(-sgn * abd) @ rot_x(ext)


def open_about_shank(q: np.ndarray, knee: float, deg: float, side: str) -> np.ndarray:
    """Turn a hip rotation ``q`` about the hip-to-ankle line by ``deg`` (+ = knee outward), so
    that the foot stays where it is while the knee opens (clamshell, frog pump)."""
    from .pose import rot_axis

    down = np.array([0.0, 0.0, -1.0])
    thigh = q @ down
    axis = 0.39 * thigh + 0.40 * (q @ rot_x(knee) @ down)  # thigh and shank of the rig
    out = np.array([1.0 if side == "L" else -1.0, 0.0, 0.0])
    for sgn in (1.0, -1.0):
        r = rot_axis(axis, sgn * deg)
        if (r @ thigh - thigh) @ out >= 0:
            return r @ q
    return q


def shoulder_q(flex: float, abd: float = 0.0, side: str = "L") -> np.ndarray:
    """Shoulder flexion (+ = arm forward/up) and abduction (+ = arm out to the side)."""
    sgn = 1.0 if side == "L" else -1.0
    from .pose import rot_y

    return rot_y(-sgn * abd) @ rot_x(-flex)


class Poser:
    def __init__(self, body: Body, shape: int = 0):
        self.body = body
        self.rig = Rig.build(body, shape)
        self.rest = body.rest_vertices[shape].astype(np.float32)
        ix = body.index
        self.ix = ix
        self.twist = {ix[f"lowerarm02.{s}"]: (ix[f"wrist.{s}"], 0.6) for s in SIDES}
        dom = body.dominant_bone
        names = body.bone_names
        h = self.rig.heads

        def group(pred, near=None, radius=None):
            sel = np.array([pred(n) for n in names])
            idx = np.nonzero(sel[dom])[0]
            if near is not None:
                idx = idx[np.linalg.norm(self.rest[idx] - h[ix[near]], axis=1) < radius]
            return idx

        self.contact = {}
        for s in SIDES:
            self.contact[f"hand.{s}"] = group(
                lambda n, s=s: (
                    n.endswith("." + s) and n.startswith(("wrist", "finger", "metacarpal"))
                )
            )
            self.contact[f"knee.{s}"] = group(
                lambda n, s=s: n in (f"lowerleg01.{s}", f"upperleg02.{s}"), f"lowerleg01.{s}", 0.07
            )
            self.contact[f"forearm.{s}"] = group(
                lambda n, s=s: (
                    n.endswith("." + s)
                    and n.startswith(("lowerarm", "wrist", "finger", "metacarpal"))
                )
            )
            self.contact[f"arm.{s}"] = group(
                lambda n, s=s: (
                    n.endswith("." + s)
                    and n.startswith(("upperarm", "lowerarm", "wrist", "finger", "metacarpal"))
                )
            )
            self.contact[f"hip.{s}"] = group(
                lambda n, s=s: n in (f"upperleg01.{s}", f"upperleg02.{s}", f"pelvis.{s}")
            )
            self.contact[f"foot.{s}"] = group(
                lambda n, s=s: n.endswith("." + s) and n.startswith(("foot", "toe"))
            )
        self.contact["seat"] = group(lambda n: n in ("root", "pelvis.L", "pelvis.R", "spine05"))
        self.contact["back"] = group(
            lambda n: (
                n
                in (
                    "spine01",
                    "spine02",
                    "clavicle.L",
                    "clavicle.R",
                    "shoulder01.L",
                    "shoulder01.R",
                )
            )
        )

    # ------------------------------------------------------------------
    def driven(self, st: Stance) -> dict[int, np.ndarray]:
        ix = self.ix
        Rp0 = align(np.array([0, 0, 1.0]), np.array([0, -1.0, 0]), st.up, st.front)
        Rp = rot_axis([0, 1, 0], st.pitch) @ Rp0 if st.pitch else Rp0
        d = {ix["root"]: Rp}
        R = Rp
        for b in ("spine05", "spine04", "spine03"):
            R = R @ rot_x(-st.lumbar_arch / 3)
            d[ix[b]] = R
        for b in ("spine02", "spine01"):
            R = R @ rot_x(st.thoracic_flex / 2)
            d[ix[b]] = R
        chest = R
        chest_ref = Rp0 @ rot_x(st.thoracic_flex)
        d[ix["neck01"]] = R @ rot_x(st.neck_flex * 0.6)
        d[ix["head"]] = d[ix["neck01"]] @ rot_x(st.neck_flex * 0.4)
        N = self.rig.neutral
        for s in SIDES:
            leg = st.legs[s]
            w = 1.0 if f"leg.{s}" in st.planted else st.plant_weight.get(f"leg.{s}", 0.0)
            base = Rp0 if w >= 1 else Rp if w <= 0 else slerp_rot(Rp, Rp0, w)
            Rh = base @ leg.hip
            d[ix[f"upperleg01.{s}"]] = Rh @ N[f"upperleg01.{s}"]
            Rk = Rh @ rot_x(leg.knee)
            d[ix[f"lowerleg01.{s}"]] = Rk @ N[f"lowerleg01.{s}"]
            d[ix[f"foot.{s}"]] = Rk @ rot_x(leg.ankle) @ N[f"foot.{s}"]
            arm = st.arms[s]
            Rs = (chest_ref if f"arm.{s}" in st.planted else chest) @ arm.shoulder
            d[ix[f"upperarm01.{s}"]] = Rs @ N[f"upperarm01.{s}"]
            Re = Rs @ rot_x(-arm.elbow)
            d[ix[f"lowerarm01.{s}"]] = Re @ N[f"lowerarm01.{s}"]
            if arm.hand_world is not None:
                fr, pn = self.rig.palm_rest[s]
                d[ix[f"wrist.{s}"]] = align(fr, pn, arm.hand_world[0], arm.hand_world[1])
            else:
                d[ix[f"wrist.{s}"]] = Re @ arm.wrist @ N[f"wrist.{s}"]
        return d

    def fk(self, st: Stance) -> Posed:
        return forward_kinematics(self.rig, self.driven(st), st.root_pos, self.twist)

    def min_z(self, posed: Posed, group: str) -> float:
        idx = self.contact[group]
        T = posed.transforms(self.rig.heads)
        return float(skin(self.rest, self.body, T, idx)[:, 2].min())

    def group_points(self, posed: Posed, group: str) -> np.ndarray:
        T = posed.transforms(self.rig.heads)
        return skin(self.rest, self.body, T, self.contact[group])

    def solve(self, st: Stance, groups_a, groups_b=None, anchor=None, iters: int = 5) -> Stance:
        """Pitch the body about the root so that the lowest points of contact groups A and
        B are at the same height, then drop it onto the floor (z=0) and slide it so the
        anchor group's mean x,y sit at the origin."""
        st = replace(st, root_pos=np.zeros(3))

        def zmin(s, groups):
            P = self.fk(s)
            T = P.transforms(self.rig.heads)
            idx = np.concatenate([self.contact[g] for g in groups])
            return float(skin(self.rest, self.body, T, idx)[:, 2].min())

        if groups_b:

            def f(pitch):
                s2 = replace(st, pitch=pitch)
                return zmin(s2, groups_a) - zmin(s2, groups_b)

            x0, x1 = st.pitch, st.pitch + 3.0
            f0, f1 = f(x0), f(x1)
            for _ in range(iters):
                if abs(f1 - f0) < 1e-9:
                    break
                x2 = x1 - f1 * (x1 - x0) / (f1 - f0)
                x2 = float(np.clip(x2, x1 - 30, x1 + 30))
                x0, f0 = x1, f1
                x1, f1 = x2, f(x2)
                if abs(f1) < 5e-4:
                    break
            st = replace(st, pitch=x1)
        groups = list(groups_a) + list(groups_b or [])
        P = self.fk(st)
        T = P.transforms(self.rig.heads)
        idx = np.concatenate([self.contact[g] for g in groups])
        pts = skin(self.rest, self.body, T, idx)
        shift = np.array([0.0, 0.0, -pts[:, 2].min()])
        if anchor:
            a = np.concatenate([self.contact[g] for g in anchor])
            ap = skin(self.rest, self.body, T, a)
            shift[:2] = -ap[:, :2].mean(axis=0)
        return replace(st, root_pos=st.root_pos + shift)
