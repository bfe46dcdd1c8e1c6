"""Clips of several sets: fatigue within a set, and what people do between sets.

``ClipSpec(sets=(SetSpec(...), SetSpec(...)), between="kneel", between_s=6.0)`` renders the sets
one after the other. Each set has its own working side, facing, reps, top hip extension (a posed
asymmetry between the legs) and faults; its reps can tire (``fatigue_from``: from that rep on the
kick's top drops by ``fatigue_step_deg`` more per rep) and its back can begin to arch
(``arch_from``). Between two sets, for ``between_s`` seconds:

- ``"rest"``: the person stays in the start position (all fours, or standing hinged), breathing;
- ``"kneel"``: on all fours the person sits up to kneeling upright, turns round on the knees when
  the next set faces the other way, and comes back down onto the hands; standing, the person
  straightens up, turns round on the spot, and hinges forward again. Both hips extend together
  and the trunk rises: a movement a rep counter must not count.

Every pose of a change is placed so that the middle of the supports (the knees, or the feet) moves
in a straight line from where the last set left it to where the next set starts, turning about it:
no jump at either end.

The truth (``sets_truth``) says where each set is, its working side, its reps, its posed range per
rep (from the rendered joints), the rep where form broke and the posed left/right asymmetry.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from .exercises import DEFAULT_TOP, HANDS_FLAT, RepShape, movement_class
from .pose import rot_z, skin
from .stance import SIDES, Arm, Leg, shoulder_q

#: What the truth calls "the range fell clearly below the set's opening reps": below this fraction
#: of their median (kickcheck's default ``[sets] range_drop_ratio``), over this many opening reps.
TRUTH_RANGE_DROP_RATIO = 0.85
TRUTH_OPENING_REPS = 3
#: The arch posed from ``arch_from`` on is a fault (the renderer's ``FAULT_ARCH`` threshold, 12).
_ARCH_FAULT_DEG = 12.0


@dataclass(frozen=True)
class SetSpec:
    side: str = "right"  # working leg, the person's own side
    facing: str | None = None  # image direction of the person's front; None: the clip's
    reps: int = 6
    hip_ext: float | None = None  # top hip extension of this set's reps; None: the variant's
    arch_reps: tuple[int, ...] = ()  # 1-based within the set
    fatigue_from: int = 0  # 1-based rep of the set from which the top drops; 0: no fatigue
    fatigue_step_deg: float = 0.0  # the top drops by this much more at each rep from there
    arch_from: int = 0  # 1-based rep of the set from which the back arches; 0: never


def set_shapes(spec, ss: SetSpec) -> list[RepShape]:
    """The per-rep targets of one set (``spec``: the clip's ``ClipSpec``)."""
    key = spec.variant
    base = DEFAULT_TOP[key]
    top = base.hip_ext if ss.hip_ext is None else ss.hip_ext
    top = top if spec.hip_ext is None or ss.hip_ext is not None else spec.hip_ext
    knee = base.knee if spec.knee_top is None else spec.knee_top
    arch = base.arch if spec.arch_top is None else spec.arch_top
    out = []
    for i in range(1, ss.reps + 1):
        h = top
        if ss.fatigue_from and i >= ss.fatigue_from:
            h = top - ss.fatigue_step_deg * (i - ss.fatigue_from + 1)
        a = arch
        if i in ss.arch_reps or (ss.arch_from and i >= ss.arch_from):
            a = spec.fault_arch_deg
        out.append(RepShape(hip_ext=h, knee=knee, arch=a))
    return out


@dataclass(frozen=True)
class Change:
    """A change of position between set ``k - 1`` and set ``k``: seconds ``[t0, t1)``."""

    k: int
    t0: float
    t1: float
    kind: str


def sets_timeline(spec, rep_cls):
    """(reps, changes, t0, t1) of a clip of sets; ``rep_cls`` is ``clip.Rep``."""
    from .exercises import movement_class as mc

    up, hold, down, rest = spec.tempo or mc(spec.exercise, spec.variant).tempo
    reps, changes = [], []
    t = spec.lead_in
    for k, ss in enumerate(spec.sets):
        if k > 0:
            changes.append(Change(k, t, t + spec.between_s, spec.between))
            t += spec.between_s
        for shape in set_shapes(spec, ss):
            r = rep_cls(t, t + up, t + up + hold, t + up + hold + down, shape, set_index=k)
            reps.append(r)
            t = r.end + rest
    total = reps[-1].end + spec.lead_out
    return reps, changes, 0.0, total


def _smooth(x: float) -> float:
    x = min(1.0, max(0.0, x))
    return x * x * (3 - 2 * x)


class SetsPoser:
    """Poses of a clip of sets, for ``clip.Scene`` (one movement per set, turned per facing)."""

    def __init__(self, scene):
        self.scene = scene
        spec = scene.spec
        self.moves, self.flips = [], []
        for ss in spec.sets:
            side = "L" if ss.side == "left" else "R"
            self.moves.append(
                movement_class(spec.exercise, spec.variant)(scene.poser, side, scene.hip_off)
            )
            self.flips.append((ss.facing or spec.facing) == "left")
        self.reps, self.changes, _, _ = sets_timeline(spec, type(scene.reps[0]))
        self._ends = [self._rest_pose(k) for k in range(len(spec.sets))]

    # --- which set, and where ---

    def set_at(self, t: float) -> int:
        """The set a time belongs to: the set of the last rep started (the first before any),
        the next set from the middle of a change on."""
        for c in self.changes:
            if c.t0 <= t < c.t1:
                return c.k if t >= (c.t0 + c.t1) / 2 else c.k - 1
        k = 0
        for r in self.reps:
            if r.start <= t:
                k = r.set_index
        return k

    def change_at(self, t: float) -> Change | None:
        for c in self.changes:
            if c.t0 <= t < c.t1:
                return c
        return None

    # --- poses ---

    def _supports(self) -> list[str]:
        return (
            ["knee.L", "knee.R"] if self.scene.spec.variant != "standing" else ["foot.L", "foot.R"]
        )

    def _posed(self, st, move, flip: bool, drop: bool = True):
        """(vertices, joints, pelvis left axis) of a stance, turned for ``flip``."""
        sc = self.scene
        P = sc.poser.fk(st)
        T = P.transforms(sc.poser.rig.heads)
        V = skin(sc.poser.rest, sc.body, T).astype(np.float64)
        if drop:
            d = V[:, 2].min()
            V[:, 2] -= d
            P.p[:, 2] -= d
        j = sc.joints(P, V)
        lat = P.R[0] @ np.array([1.0, 0, 0])
        if flip:
            F = np.diag([-1.0, -1.0, 1.0])
            V = V @ F
            j = {k: v @ F for k, v in j.items()}
            lat = lat @ F
        return V, j, lat

    def _support_mid(self, V: np.ndarray) -> np.ndarray:
        idx = np.concatenate([self.scene.poser.contact[g] for g in self._supports()])
        return V[idx, :2].mean(axis=0)

    def _rest_pose(self, k: int):
        """Set ``k``'s start position as rendered (vertices, joints, lat) and its supports' middle."""
        shape = next(r.shape for r in self.reps if r.set_index == k)
        st = self.moves[k].solved(0.0, shape)
        V, j, lat = self._posed(st, self.moves[k], self.flips[k])
        return V, j, lat, self._support_mid(V)

    def _upright(self, move, a: float, rest):
        """A stance ``a`` of the way (0..1) from the set's start position to kneeling upright (all
        fours) or standing upright (standing)."""
        rest_st = move.solved(0.0, rest)
        st = replace(rest_st)
        ang = np.radians(90.0 * a) if self.scene.spec.variant != "standing" else None
        if ang is not None:
            st.up = np.array([np.cos(ang), 0.0, np.sin(ang)])
            st.front = np.array([np.sin(ang), 0.0, -np.cos(ang)])
            st.pitch = rest_st.pitch * (1 - a)
            st.lumbar_arch = rest_st.lumbar_arch * (1 - a)
            st.legs = {
                sd: Leg(hip=move.hip(-90.0 + 90.0 * a, side=sd), knee=90.0, ankle=88.0 - 28.0 * a)
                for sd in SIDES
            }
            st.arms = {
                sd: Arm(
                    shoulder=shoulder_q(95.0 - 85.0 * a, side=sd),
                    elbow=20.0 * (1 - a) + 15.0 * a,
                    hand_world=HANDS_FLAT if a < 0.25 else None,
                )
                for sd in SIDES
            }
            return st
        hinge = move.hinge * (1 - a)
        up, front = move.hinged(hinge)
        st.up, st.front = up, front
        st.pitch, st.lumbar_arch = rest_st.pitch * (1 - a), rest_st.lumbar_arch * (1 - a)
        work = {sd: sd == move.w for sd in SIDES}
        st.legs = {
            sd: Leg(
                hip=move.hip(-hinge + (3.0 if work[sd] else 0.0) * (1 - a), side=sd),
                knee=(12.0 if work[sd] else 8.0) * (1 - a) + 3.0 * a,
            )
            for sd in SIDES
        }
        st.arms = {
            sd: Arm(
                shoulder=shoulder_q(hinge + 25.0 * (1 - a) + 5.0 * a, side=sd),
                elbow=25.0 * (1 - a) + 10.0 * a,
            )
            for sd in SIDES
        }
        return st

    def change_pose(self, c: Change, t: float):
        """(vertices, joints, lat) during a change of position."""
        u = (t - c.t0) / (c.t1 - c.t0)
        k0, k1 = c.k - 1, c.k
        V0, _, _, mid0 = self._ends[k0]
        V1, _, _, mid1 = self._ends[k1]
        if c.kind == "rest":
            k = k0 if u < 0.5 else k1
            V, j, lat, mid = self._ends[k]
            return self._place(V, j, lat, mid, 0.0, mid0 + (mid1 - mid0) * _smooth(u))
        # up over the first 30 %, turn over the middle 40 %, down over the last 30 %
        if u < 0.3:
            k, a, turn = k0, _smooth(u / 0.3), 0.0
        elif u < 0.7:
            k, a, turn = k0, 1.0, _smooth((u - 0.3) / 0.4)
        else:
            k, a, turn = k1, _smooth((1.0 - u) / 0.3), 1.0
        move = self.moves[k]
        shape = next(r.shape for r in self.reps if r.set_index == k)
        st = self._upright(move, a, shape)
        st = self.scene.poser.solve(st, self._supports(), None, self._supports())
        V, j, lat = self._posed(st, move, self.flips[k])
        # the turn: from the first set's heading to the next one's (180 degrees when they face
        # opposite ways); the down phase is drawn in the next set's heading already
        if self.flips[k0] != self.flips[k1]:
            theta = 180.0 * turn if k == k0 else -180.0 * (1.0 - turn)
        else:
            theta = 0.0
        return self._place(
            V,
            j,
            lat,
            self._support_mid(V),
            theta,
            mid0 + (mid1 - mid0) * _smooth(min(1.0, max(0.0, (u - 0.3) / 0.4))),
        )

    def _place(self, V, j, lat, mid, theta, target):
        """Turn by ``theta`` about the vertical through ``mid`` and move ``mid`` to ``target``."""
        R = rot_z(theta)
        c = np.array([mid[0], mid[1], 0.0])
        shift = np.array([target[0], target[1], 0.0])
        V = (V - c) @ R.T + shift
        j = {k: (v - c) @ R.T + shift for k, v in j.items()}
        return V, j, lat @ R.T

    def pose_at(self, t: float):
        """(s, shape, stance or None, vertices, joints, lat) like ``Scene.pose_at_phase``."""
        from .clip import phase_at

        c = self.change_at(t)
        k = self.set_at(t)
        if c is not None:
            V, j, lat = self.change_pose(c, t)
            shape = next(r.shape for r in self.reps if r.set_index == k)
            return 0.0, shape, None, V, j, lat
        reps = [r for r in self.reps if r.set_index == k]
        s, shape = phase_at(reps, t)
        st = self.moves[k].solved(s, shape)
        V, j, lat = self._posed(st, self.moves[k], self.flips[k], drop=self.moves[k].on_floor)
        return s, shape, st, V, j, lat


def sets_truth(spec, scene, ts, frames) -> dict:
    """The truth about the sets (see the module docstring)."""
    sp = scene.sets_poser
    fr_t = np.array([f["t_s"] for f in frames])
    hip = np.array([f["hip_extension_deg"] for f in frames])
    out_sets = []
    rep_no = 0
    legs: dict[str, list[float]] = {"left": [], "right": []}
    for k, ss in enumerate(spec.sets):
        reps = [r for r in sp.reps if r.set_index == k]
        roms, numbers = [], []
        for r in reps:
            rep_no += 1
            numbers.append(rep_no)
            i0 = int(np.argmin(np.abs(fr_t - r.start)))
            i1 = int(np.argmin(np.abs(fr_t - (r.top0 + r.top1) / 2)))
            roms.append(float(hip[i1] - hip[i0]))
        legs[ss.side].extend(roms)
        base = (
            float(np.median(roms[:TRUTH_OPENING_REPS]))
            if len(roms) > TRUTH_OPENING_REPS
            else np.nan
        )
        drop = None
        for i in range(TRUTH_OPENING_REPS, len(roms)):
            if (
                roms[i] < TRUTH_RANGE_DROP_RATIO * base
                and np.median(roms[i:]) < TRUTH_RANGE_DROP_RATIO * base
            ):
                drop = numbers[i]
                break
        arch = None
        for n, r in zip(numbers, reps):
            if r.shape.arch >= _ARCH_FAULT_DEG:
                arch = n
                break
        # an arch from the set's first rep is not a break "after clean ones"
        if arch is not None and arch == numbers[0]:
            arch = None
        breaks = [x for x in (drop, arch) if x is not None]
        out_sets.append(
            {
                "index": k + 1,
                "working_side": ss.side,
                "facing": ss.facing or spec.facing,
                "start_s": round(reps[0].start, 4),
                "end_s": round(reps[-1].end, 4),
                "reps": numbers,
                "rep_count": len(reps),
                "range_of_motion_deg": [round(x, 2) for x in roms],
                "range_drop_rep": drop,
                "arch_rep": arch,
                "form_break_rep": min(breaks) if breaks else None,
            }
        )
    means = {sd: float(np.mean(v)) if v else None for sd, v in legs.items()}
    asym = None
    if means["left"] is not None and means["right"] is not None:
        asym = (
            100.0
            * abs(means["left"] - means["right"])
            / max(abs(means["left"]), abs(means["right"]))
        )
    return {
        "sets": out_sets,
        "changes": [
            {"start_s": round(c.t0, 4), "end_s": round(c.t1, 4), "kind": c.kind} for c in sp.changes
        ],
        "asymmetry": {
            "range_of_motion_deg": {
                sd: None if v is None else round(v, 2) for sd, v in means.items()
            },
            "range_of_motion_pct": None if asym is None else round(asym, 2),
            "formula": "|left - right| / max(|left|, |right|) x 100, of the legs' mean range",
        },
        "range_drop_ratio": TRUTH_RANGE_DROP_RATIO,
        "opening_reps": TRUTH_OPENING_REPS,
    }
