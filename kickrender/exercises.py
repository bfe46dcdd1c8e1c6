"""Exercise movements: stance at movement phase s in [0, 1] (0 = start/rest, 1 = top).

All stances are built facing world +x (head end / front toward +x), floor z = 0; the
clip later turns the whole body round for facing="left".
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from .catalog import KICKBACK_VARIANT_NAMES, LOOKALIKE_NAMES
from .pose import rot_x
from .stance import SIDES, Arm, Leg, Poser, Stance, hip_q, open_about_shank, shoulder_q

X = np.array([1.0, 0, 0])
Z = np.array([0, 0, 1.0])
HANDS_FLAT = (X, -Z)


def other(side: str) -> str:
    return "R" if side == "L" else "L"


@dataclass(frozen=True)
class RepShape:
    """Per-rep targets at the top of a movement (kickback family)."""

    hip_ext: float = 15.0  # truth-convention hip extension at the top, degrees
    knee: float = 90.0  # knee flexion at the top
    arch: float = 3.0  # lumbar arch at the top


def lerp(a, b, s):
    return a + (b - a) * s


def fit1(f, x0: float, x1: float, iters: int = 8, tol: float = 5e-4) -> float:
    """Secant root of a scalar function (a joint angle that puts a foot on the floor)."""
    f0, f1 = f(x0), f(x1)
    for _ in range(iters):
        if abs(f1) < tol or abs(f1 - f0) < 1e-12:
            break
        x0, x1, f0 = x1, x1 - f1 * (x1 - x0) / (f1 - f0), f1
        f1 = f(x1)
    return x1


def grid_fit(f, xs, target: float) -> float:
    """The x among ``xs`` whose f(x) is closest to ``target`` (for non-monotonic contacts)."""
    return float(min(xs, key=lambda x: abs(f(float(x)) - target)))


class Movement:
    name = "base"
    is_kickback = False
    variant = "other"
    subvariant = ""
    contacts_a: tuple = ()
    contacts_b: tuple = ()
    anchor: tuple = ()
    work_contacts_a: tuple = ()  # groups listed as templates "hand.{o}" etc.
    #: up, hold, down, rest seconds when the clip does not set a tempo
    tempo: tuple = (0.8, 0.4, 0.8, 0.5)
    #: False: the body rests on furniture and is placed in height by the movement itself
    #: (the clip must not drop its lowest point onto the floor frame by frame)
    on_floor = True

    def __init__(self, poser: Poser, side: str, hip_offset: float):
        self.poser = poser
        self.w = side  # "L"/"R"
        self.o = other(side)
        self.hip_off = hip_offset  # truth angle of a neutral thigh (pelvis-relative ext 0)
        self._cache: dict = {}

    def props(self) -> list:
        """Furniture as [(lo, hi, colour name)] boxes in the movement's world (facing +x)."""
        return []

    def group_min_z(self, st: Stance, group: str) -> float:
        return self.poser.min_z(self.poser.fk(st), group.format(w=self.w, o=self.o))

    def group_points(self, st: Stance, group: str) -> np.ndarray:
        return self.poser.group_points(self.poser.fk(st), group.format(w=self.w, o=self.o))

    def groups(self, names):
        return [g.format(w=self.w, o=self.o) for g in names]

    def hip(self, truth_angle: float, **kw):
        return hip_q(truth_angle - self.hip_off, side=kw.pop("side", self.w), **kw)

    def stance(self, s: float, rep: RepShape) -> Stance:
        raise NotImplementedError

    def solved(self, s: float, rep: RepShape) -> Stance:
        key = (round(float(s), 6), rep)
        if key not in self._cache:
            self._cache[key] = self._solve(s, rep)
        return self._cache[key]

    def _solve(self, s: float, rep: RepShape) -> Stance:
        return self._solve_plain(s, rep)

    def _solve_plain(self, s: float, rep: RepShape) -> Stance:
        st = self.stance(s, rep)
        return self.poser.solve(
            st, self.groups(self.contacts_a), self.groups(self.contacts_b), self.groups(self.anchor)
        )


class FixedTrunk(Movement):
    """The trunk is placed once (contacts solved at phase 0) and stays still while limbs move."""

    def _solve(self, s, rep):
        if "trunk" not in self._cache:
            self._cache["trunk"] = super()._solve(0.0, rep)
        t = self._cache["trunk"]
        return replace(self.stance(s, rep), pitch=t.pitch, root_pos=t.root_pos)


# --------------------------------------------------------------------- all fours
class Quadruped(Movement):
    name = "kickback"
    is_kickback = True
    variant = "quadruped"
    subvariant = "quadruped"
    rest_hip = -90.0
    rest_knee = 90.0
    contacts_a = ("hand.L", "hand.R")
    contacts_b = ("knee.{o}",)
    anchor = ("knee.{o}",)

    def base(self) -> Stance:
        st = Stance(
            up=X.copy(), front=-Z, neck_flex=-12, planted=("leg.L", "leg.R", "arm.L", "arm.R")
        )
        for sd in SIDES:
            st.legs[sd] = Leg(hip=self.hip(-90, side=sd), knee=self.rest_knee, ankle=88)
            st.arms[sd] = Arm(shoulder=shoulder_q(95, side=sd), elbow=20, hand_world=HANDS_FLAT)
        return st

    def stance(self, s, rep):
        st = self.base()
        st.lumbar_arch = lerp(0.0, rep.arch, s)
        st.planted = (f"leg.{self.o}", "arm.L", "arm.R")
        st.plant_weight = {f"leg.{self.w}": 1.0 - s}
        st.legs[self.w] = Leg(
            hip=self.hip(lerp(self.rest_hip, rep.hip_ext, s)),
            knee=lerp(self.rest_knee, rep.knee, s),
            ankle=lerp(88, 10, s),
        )
        return st


class Forearms(Quadruped):
    subvariant = "forearms"
    contacts_a = ("forearm.L", "forearm.R")

    def base(self):
        st = super().base()
        for sd in SIDES:
            st.arms[sd] = Arm(shoulder=shoulder_q(95, side=sd), elbow=95, hand_world=HANDS_FLAT)
        return st


class QuadrupedStraight(Quadruped):
    subvariant = "quadruped_straight"


class Standing(Movement):
    name = "kickback"
    is_kickback = True
    variant = "standing"
    subvariant = "standing"
    hinge = 40.0
    contacts_a = ("foot.{o}",)
    anchor = ("foot.{o}",)

    def hinged(self, h):
        a = np.radians(h)
        return np.array([np.sin(a), 0, np.cos(a)]), np.array([np.cos(a), 0, -np.sin(a)])

    def stance(self, s, rep):
        up, front = self.hinged(self.hinge)
        st = Stance(up=up, front=front, neck_flex=-5, planted=(f"leg.{self.o}",))
        st.lumbar_arch = lerp(0.0, rep.arch, s)
        st.legs[self.o] = Leg(hip=self.hip(-self.hinge), knee=8)
        st.legs[self.w] = Leg(
            hip=self.hip(lerp(-self.hinge + 3, rep.hip_ext, s)),
            knee=lerp(12, rep.knee, s),
            ankle=lerp(0, 15, s),
        )
        for sd in SIDES:
            st.arms[sd] = Arm(shoulder=shoulder_q(self.hinge + 25, side=sd), elbow=25)
        return st


# --------------------------------------------------------------------- look-alikes
class BirdDog(Quadruped):
    name = "bird_dog"
    is_kickback = False
    variant = "other"
    subvariant = ""
    contacts_a = ("hand.{w}",)

    def stance(self, s, rep):
        st = self.base()
        st.legs[self.w] = Leg(
            hip=self.hip(lerp(-90, 0, s)), knee=lerp(90, 3, s), ankle=lerp(70, 30, s)
        )
        st.arms[self.o] = Arm(
            shoulder=shoulder_q(lerp(88, 175, s), side=self.o), hand_world=HANDS_FLAT
        )
        st.planted = (f"leg.{self.o}", f"arm.{self.w}")
        return st


class FireHydrant(Quadruped):
    name = "fire_hydrant"
    is_kickback = False
    variant = "other"
    subvariant = ""

    def stance(self, s, rep):
        st = self.base()
        st.legs[self.w] = Leg(
            hip=self.hip(-90, abd_flexed=lerp(0, 55, s)), knee=90, ankle=lerp(70, 40, s)
        )
        return st


class GluteBridge(Movement):
    name = "glute_bridge"
    single_leg = False
    contacts_a = ("back", "seat")
    contacts_b = ("foot.{o}",)
    anchor = ("foot.{o}",)

    def stance(self, s, rep):
        st = Stance(up=X.copy(), front=Z.copy(), neck_flex=lerp(5, 30, s))
        st.pitch = lerp(0, -28, s)
        for sd in SIDES:
            st.legs[sd] = Leg(
                hip=self.hip(lerp(-75, -5, s), side=sd), knee=lerp(100, 90, s), ankle=-5
            )
            st.arms[sd] = Arm(shoulder=shoulder_q(3, abd=12, side=sd))
        if self.single_leg:
            st.legs[self.w] = Leg(hip=self.hip(lerp(-40, -5, s)), knee=3, ankle=10)
        return st


class SingleLegBridge(GluteBridge):
    name = "single_leg_bridge"
    single_leg = True


class Squat(Movement):
    name = "squat"
    contacts_a = ("foot.L", "foot.R")
    anchor = ("foot.L", "foot.R")

    def stance(self, s, rep):
        k = lerp(5, 105, s)
        lean = lerp(3, 40, s)
        a = 0.4 * k
        la = np.radians(lean)
        st = Stance(
            up=np.array([np.sin(la), 0, np.cos(la)]), front=np.array([np.cos(la), 0, -np.sin(la)])
        )
        for sd in SIDES:
            st.legs[sd] = Leg(hip=self.hip(-(k - a + lean), side=sd), knee=k, ankle=-a)
            st.arms[sd] = Arm(shoulder=shoulder_q(lerp(10, 85, s) + lean, side=sd), elbow=10)
        return st


class SingleLegDeadlift(Standing):
    name = "single_leg_deadlift"
    is_kickback = False
    variant = "other"
    subvariant = ""

    def stance(self, s, rep):
        h = lerp(3, 80, s)
        up, front = self.hinged(h)
        st = Stance(up=up, front=front, neck_flex=-5)
        st.legs[self.o] = Leg(hip=self.hip(-h), knee=lerp(3, 15, s))
        st.legs[self.w] = Leg(
            hip=self.hip(lerp(-3, 0, s)), knee=lerp(5, 8, s), ankle=lerp(0, 20, s)
        )
        for sd in SIDES:
            st.arms[sd] = Arm(shoulder=shoulder_q(h, side=sd), elbow=5)
        return st


class HamstringCurl(Standing):
    name = "standing_hamstring_curl"
    is_kickback = False
    variant = "other"
    subvariant = ""

    def stance(self, s, rep):
        up, front = self.hinged(6)
        st = Stance(up=up, front=front)
        st.legs[self.o] = Leg(hip=self.hip(-6), knee=4)
        st.legs[self.w] = Leg(
            hip=self.hip(lerp(-6, -2, s)), knee=lerp(5, 105, s), ankle=lerp(0, 20, s)
        )
        for sd in SIDES:
            st.arms[sd] = Arm(shoulder=shoulder_q(75, side=sd), elbow=25)
        return st


class TricepsKickback(Standing):
    name = "triceps_kickback"
    is_kickback = False
    variant = "other"
    subvariant = ""
    contacts_a = ("foot.L", "foot.R")
    anchor = ("foot.L", "foot.R")

    def stance(self, s, rep):
        h = 45.0
        up, front = self.hinged(h)
        st = Stance(up=up, front=front, neck_flex=-5)
        for sd in SIDES:
            st.legs[sd] = Leg(hip=self.hip(-h + 12, side=sd), knee=20, ankle=-8)
        st.arms[self.o] = Arm(shoulder=shoulder_q(h + 10, side=self.o), elbow=30)
        st.arms[self.w] = Arm(shoulder=shoulder_q(-12, side=self.w), elbow=lerp(95, 3, s))
        return st


class DonkeyCalfRaise(Standing):
    name = "donkey_calf_raise"
    is_kickback = False
    variant = "other"
    subvariant = ""
    contacts_a = ("foot.L", "foot.R")
    anchor = ("foot.L", "foot.R")

    def stance(self, s, rep):
        h = 80.0
        up, front = self.hinged(h)
        st = Stance(up=up, front=front, neck_flex=-10)
        for sd in SIDES:
            st.legs[sd] = Leg(hip=self.hip(-h, side=sd), knee=5, ankle=lerp(-5, 35, s))
            st.arms[sd] = Arm(shoulder=shoulder_q(h + 5, side=sd), elbow=5)
        return st


# --------------------------------------------------------------------- look-alikes (issue 13)
def _upright(lean: float = 0.0, side_lean: float = 0.0):
    """(up, front) of a pelvis leaning ``lean`` degrees forward and ``side_lean`` toward the
    person's left (world +y)."""
    a, b = np.radians(lean), np.radians(side_lean)
    up = np.array([np.sin(a), np.sin(b), np.cos(a) * np.cos(b)])
    return up / np.linalg.norm(up), np.array([np.cos(a), 0, -np.sin(a)])


def _foot_flat(thigh_fwd: float, knee: float) -> float:
    """Ankle angle that keeps the sole flat when the thigh points ``thigh_fwd`` degrees forward
    of straight down (world) and the knee is flexed ``knee`` degrees."""
    return thigh_fwd - knee


class StandingHipAbduction(Movement):
    """Standing cable/band hip abduction: upright, straight support leg, the straight working leg
    swings out sideways to ``lift`` degrees and back."""

    name = "standing_hip_abduction"
    lift = 40.0
    contacts_a = ("foot.{o}",)
    anchor = ("foot.{o}",)

    def stance(self, s, rep):
        # lean the trunk a little over the support leg (side_lean + = toward the person's left)
        toward_support = 1.0 if self.o == "L" else -1.0
        up, front = _upright(lean=3.0, side_lean=toward_support * lerp(1.0, 5.0, s))
        st = Stance(up=up, front=front, neck_flex=-3, planted=(f"leg.{self.o}",))
        st.legs[self.o] = Leg(hip=self.hip(-3.0, side=self.o), knee=3, ankle=-3)
        st.legs[self.w] = Leg(hip=self.hip(-5.0, abd=lerp(4.0, self.lift, s)), knee=4, ankle=8)
        # the machine stands on the support side: that hand holds it, the other arm hangs relaxed
        st.arms[self.o] = Arm(shoulder=shoulder_q(15, abd=50, side=self.o), elbow=25)
        st.arms[self.w] = Arm(shoulder=shoulder_q(5, abd=12, side=self.w), elbow=15)
        return st

    def props(self):
        """The upright of the cable machine (or the post the band is tied to) the hand holds."""
        st = self.solved(0.0, RepShape())
        hand = self.group_points(st, "hand.{o}")
        x, y = hand[:, 0].mean(), hand[:, 1].mean()
        return [((x - 0.03, y - 0.03, 0.0), (x + 0.03, y + 0.03, 1.9), "frame")]


class TricepsKickbackBench(Movement):
    """One-arm dumbbell triceps kickback kneeling on a flat bench: the other side's knee and hand
    on the bench, the working side's foot on the floor; only the working elbow moves."""

    name = "triceps_kickback_bench"
    contacts_a = ("hand.{o}",)
    contacts_b = ("knee.{o}",)
    anchor = ("knee.{o}",)

    def stance(self, s, rep):
        st = Stance(up=X.copy(), front=-Z, neck_flex=-15)
        st.legs[self.o] = Leg(hip=self.hip(-100, side=self.o), knee=100, ankle=80)
        # standing leg: hip flexed ~80 degrees, knee soft, foot flat and a little out to the side
        st.legs[self.w] = Leg(hip=self.hip(-78, abd=8), knee=18, ankle=_foot_flat(-12, 18))
        st.arms[self.o] = Arm(shoulder=shoulder_q(88, side=self.o), elbow=5, hand_world=HANDS_FLAT)
        # working arm: upper arm along the trunk, the elbow opens from 95 to straight
        st.arms[self.w] = Arm(shoulder=shoulder_q(-8, abd=8, side=self.w), elbow=lerp(95, 5, s))
        return st

    def _solve(self, s, rep):
        if "trunk" not in self._cache:
            st = super()._solve(0.0, rep)  # hand and knee level (on the bench top)
            foot = self.group_min_z(st, "foot.{w}")
            st = replace(st, root_pos=st.root_pos - np.array([0, 0, foot]))
            self._cache["trunk"] = st
        t = self._cache["trunk"]
        return replace(self.stance(s, rep), pitch=t.pitch, root_pos=t.root_pos)

    def props(self):
        st = self.solved(0.0, RepShape())
        knee = self.group_points(st, "knee.{o}")
        hand = self.group_points(st, "hand.{o}")
        top = float(min(knee[:, 2].min(), hand[:, 2].min()))
        y = float(np.concatenate([knee, hand])[:, 1].mean())
        out = 1.0 if self.o == "L" else -1.0  # the bench's side: the person's left is +y
        yc = y + 0.05 * out  # centred a little outward, clear of the standing leg
        x0, x1 = knee[:, 0].min() - 0.35, hand[:, 0].max() + 0.25
        legs = [
            ((xa, yc - 0.09, 0.0), (xa + 0.04, yc + 0.09, top - 0.06), "frame")
            for xa in (x0 + 0.05, x1 - 0.09)
        ]
        return [((x0, yc - 0.13, top - 0.06), (x1, yc + 0.13, top), "pad"), *legs]


class SideLegLift(Quadruped):
    """On all fours, the bent working leg lifts out to the side (abduction of the flexed hip)
    to ``lift`` degrees; ``straight``: the straight leg, toes on the floor out to the side,
    lifts sideways to hip height."""

    name = "side_leg_lift"
    is_kickback = False
    variant = "other"
    subvariant = ""
    lift = 45.0
    straight = False

    def _leg(self, s):
        if not self.straight:
            return Leg(
                hip=self.hip(-90, abd_flexed=lerp(0, self.lift, s)), knee=90, ankle=lerp(85, 70, s)
            )
        flex = lerp(self._cache["rest_flex"], 0.0, s)
        return Leg(hip=self.hip(-flex, abd=lerp(70, 85, s)), knee=3, ankle=lerp(20, 35, s))

    def stance(self, s, rep):
        if self.straight and "rest_flex" not in self._cache:
            # the straight leg rests with its toes just above the floor: fit its flexion
            def gap(flex):
                self._cache["rest_flex"] = flex
                st = self.poser.solve(
                    self.stance(0.0, rep), ["hand.L", "hand.R"], [f"knee.{self.o}"]
                )
                return self.group_min_z(st, "foot.{w}") - 0.01

            self._cache["rest_flex"] = fit1(gap, 20.0, 35.0)
        st = self.base()
        st.planted = (f"leg.{self.o}", "arm.L", "arm.R")
        st.plant_weight = {f"leg.{self.w}": 1.0 - s}  # the working knee leaves the floor
        st.legs[self.w] = self._leg(s)
        return st


class SideLegLiftLow(SideLegLift):
    name = "side_leg_lift_low"
    lift = 30.0


class SideLegLiftHigh(SideLegLift):
    name = "side_leg_lift_high"
    lift = 80.0


class SideLegLiftStraight(SideLegLift):
    name = "side_leg_lift_straight"
    straight = True


class ReverseLunge(Movement):
    """The working leg steps back (s 0 -> 0.4), then both knees bend until the back knee nears
    the floor (s = 1); the front foot stays planted, the back foot lands on its toes."""

    name = "reverse_lunge"
    cross = 0.0  # adduction of the back leg (curtsy lunge), degrees
    turn = 0.0  # its turn-out about the trunk axis, degrees
    contacts_a = ("foot.{o}",)
    anchor = ("foot.{o}",)
    tempo = (1.0, 0.3, 1.0, 0.5)

    def _stance(self, u, back_knee, step=1.0, lift=0.0):
        """u: 0 = split stance, 1 = bottom (front thigh 78 degrees forward of vertical, back thigh
        8 degrees behind); step < 1: still stepping back from beside the front leg."""
        lean = lerp(2.0, 10.0, u)
        up, front_dir = _upright(lean)
        st = Stance(up=up, front=front_dir, neck_flex=-3)
        ft, fk = lerp(2.0, 78.0, u), lerp(3.0, 92.0, u)
        st.legs[self.o] = Leg(
            hip=self.hip(-(ft + lean), side=self.o), knee=fk, ankle=_foot_flat(ft, fk)
        )
        bt = lerp(-2.0, lerp(-28.0, -8.0, u), step)  # back thigh, degrees forward of vertical
        # curtsy: the back thigh crosses behind (adduction) and turns out, so the back shank
        # points across behind the front foot
        hip = self.hip(-(bt + lean), abd=-self.cross * step, abd_flexed=self.turn * step)
        knee = lerp(3.0, back_knee, step) + lift
        st.legs[self.w] = Leg(hip=hip, knee=knee, ankle=lerp(0.0, lerp(35, 45, u), step))
        for sd in SIDES:
            st.arms[sd] = Arm(
                shoulder=shoulder_q(lerp(5, 25, u), abd=8, side=sd), elbow=lerp(10, 60, u)
            )
        return st

    def _back_knee(self, u):
        """Back-knee flexion that puts the back toes on the floor at depth u (cached)."""
        key = ("knee", round(u, 6))
        if key not in self._cache:

            def gap(k):
                st = self.poser.solve(self._stance(u, k), self.groups(self.contacts_a), None)
                return self.group_min_z(st, "foot.{w}")

            self._cache[key] = fit1(gap, 20.0 + 60 * u, 30.0 + 60 * u)
        return self._cache[key]

    def stance(self, s, rep):
        if s < 0.4:
            step = float(np.clip(s / 0.4, 0, 1))
            k = self._back_knee(0.0)
            return self._stance(0.0, k, step=step, lift=25.0 * np.sin(np.pi * step))
        u = (s - 0.4) / 0.6
        return self._stance(u, self._back_knee(u))


class CurtsyLunge(ReverseLunge):
    name = "curtsy_lunge"
    cross = 30.0
    turn = 25.0


class MountainClimber(FixedTrunk):
    """Straight-arm plank; the knees drive toward the chest in turn (one in while the other goes
    back), fast. s = 0: the working leg back, the other knee in; s = 1: the reverse."""

    name = "mountain_climber"
    contacts_a = ("hand.L", "hand.R")
    contacts_b = ("foot.{w}",)
    anchor = ("hand.L", "hand.R")
    tempo = (0.28, 0.04, 0.28, 0.04)

    def _leg(self, side, u):
        """u: 0 = leg straight back on its toes, 1 = knee driven in under the chest. The knee
        bends first (the foot leaves the floor), then the hip flexes."""
        k = np.sqrt(u)
        return Leg(
            hip=self.hip(lerp(-3.0, -115.0, u), side=side),
            knee=lerp(5.0, 140.0, k),
            ankle=lerp(15.0, 45.0, k),
        )

    pike = 12.0  # degrees the hips rise about the hands while the legs switch

    def _solve(self, s, rep):
        st = super()._solve(s, rep)
        if s <= 0.0 or s >= 1.0:
            return st
        # the hips rise a little as the knees pass under the body (about the planted hands)
        hands = ["hand.L", "hand.R"]
        ref = self.poser.group_points(self.poser.fk(st), hands[0]).mean(axis=0)
        st = replace(st, pitch=st.pitch + self.pike * np.sin(np.pi * s))
        now = self.poser.group_points(self.poser.fk(st), hands[0]).mean(axis=0)
        return replace(st, root_pos=st.root_pos + (ref - now))

    def stance(self, s, rep):
        st = Stance(up=X.copy(), front=-Z, neck_flex=-15, planted=("arm.L", "arm.R"))
        st.legs[self.w] = self._leg(self.w, s)
        st.legs[self.o] = self._leg(self.o, 1.0 - s)
        for sd in SIDES:
            st.arms[sd] = Arm(shoulder=shoulder_q(80, side=sd), elbow=3, hand_world=HANDS_FLAT)
        return st


class Clamshell(Movement):
    """Lying on the other side, hips flexed 45 and knees 90 degrees, feet together; the top
    (working) knee opens about the hip-ankle line while the feet stay together."""

    name = "clamshell"
    opening = 40.0
    # lying on the bottom shoulder (the arm along the floor) and the bottom hip
    contacts_a = ("arm.{o}",)
    contacts_b = ("hip.{o}",)
    anchor = ("hip.{o}",)

    def _bottom_leg(self, rep) -> float:
        """Abduction of the bottom leg that lays it on the floor with the trunk, neither lifting
        the trunk nor hanging above the floor (fitted per body)."""
        if "bottom_leg" not in self._cache:

            def gap(x):
                self._cache["bottom_leg"] = x
                st = self._solve_plain(0.0, rep)
                hip = self.group_min_z(st, "hip.{o}")
                return min(self.group_min_z(st, g) for g in ("knee.{o}", "foot.{o}")) - hip

            self._cache["bottom_leg"] = grid_fit(gap, np.arange(-20.0, 12.0, 2.0), 0.005)
        return self._cache["bottom_leg"]

    def stance(self, s, rep):
        # the working (top) side faces up: the person's left is up x front, +z when front = +y
        front = np.array([0, 1.0, 0]) if self.w == "L" else np.array([0, -1.0, 0])
        st = Stance(up=X.copy(), front=front, neck_flex=10, thoracic_flex=5)
        # the top thigh rests on the bottom one (adducted), knees together, feet together
        leg = self._bottom_leg(rep)
        st.legs[self.o] = Leg(hip=self.hip(-50, abd=leg, side=self.o), knee=95, ankle=10)
        q = self.hip(-50, abd=leg - 8)
        st.legs[self.w] = Leg(
            hip=open_about_shank(q, 95, lerp(0.0, self.opening, s), self.w), knee=95, ankle=10
        )
        # bottom arm along the floor in front of the chest, top hand resting on the hip
        st.arms[self.o] = Arm(shoulder=shoulder_q(90, side=self.o), elbow=15)
        st.arms[self.w] = Arm(shoulder=shoulder_q(12, side=self.w), elbow=30)
        return st


class FrogPump(GluteBridge):
    """On the back, soles together near the seat, knees fallen out; the hips bridge up."""

    name = "frog_pump"
    contacts_b = ("foot.L", "foot.R")
    anchor = ("foot.L", "foot.R")

    def _rest_hip(self, rep) -> float:
        """Hip angle at rest that lays the trunk flat with the feet' edges on the floor."""
        if "rest_hip" not in self._cache:

            def gap(h):
                self._cache["rest_hip"] = h
                st = self.poser.solve(self.stance(0.0, rep), ["back"], ["seat"])
                feet = min(self.group_min_z(st, f"foot.{sd}") for sd in SIDES)
                return feet - min(self.group_min_z(st, "back"), self.group_min_z(st, "seat"))

            self._cache["rest_hip"] = fit1(gap, -70.0, -60.0)
        return self._cache["rest_hip"]

    def stance(self, s, rep):
        st = super().stance(s, rep)
        st.pitch = lerp(0, -20, s)
        for sd in SIDES:
            q = self.hip(lerp(self._rest_hip(rep), -15, s), abd=-12, side=sd)
            st.legs[sd] = Leg(hip=open_about_shank(q, 115, 60, sd), knee=115, ankle=5)
            st.arms[sd] = Arm(shoulder=shoulder_q(0, abd=20, side=sd))
        st.planted = ("arm.L", "arm.R")  # the arms stay flat on the floor as the hips rise
        return st


class CablePullThrough(Movement):
    """Feet wide, a hip hinge to 70 degrees with soft knees and the arms hanging between the legs
    (holding a rope from a low pulley behind), then a stand-up. s = 0 standing, 1 = hinged."""

    name = "cable_pull_through"
    contacts_a = ("foot.L", "foot.R")
    anchor = ("foot.L", "foot.R")
    tempo = (1.0, 0.3, 0.9, 0.6)

    def stance(self, s, rep):
        h = lerp(5.0, 70.0, s)
        k = lerp(5.0, 28.0, s)
        shin = 0.3 * k
        up, front = _upright(h)
        st = Stance(up=up, front=front, neck_flex=lerp(0, -25, s))
        for sd in SIDES:
            # feet wide: abduct first, then flex, so the feet keep their width as the hips hinge
            q = rot_x(-(k - shin + h) - self.hip_off) @ hip_q(0.0, abd=12, side=sd)
            st.legs[sd] = Leg(hip=q, knee=k, ankle=-shin)
            st.arms[sd] = Arm(shoulder=shoulder_q(h - lerp(0, 38, s), abd=-9, side=sd), elbow=8)
        return st


class ReverseHyperextension(FixedTrunk):
    """Lying face down on a high pad with the hips at its end, hands on a bar in front; both
    straight legs swing from hanging to above horizontal. The body rests on the pad (PAD_TOP
    metres high), not on the floor."""

    name = "reverse_hyperextension"
    on_floor = False
    pad_top = 0.95
    contacts_a = ("back",)
    contacts_b = ("seat",)
    anchor = ("seat",)
    tempo = (0.9, 0.3, 0.9, 0.4)

    def stance(self, s, rep):
        st = Stance(up=X.copy(), front=-Z, neck_flex=-25)
        for sd in SIDES:
            st.legs[sd] = Leg(
                hip=self.hip(lerp(-88, 12, s), side=sd), knee=lerp(8, 3, s), ankle=lerp(15, 30, s)
            )
            st.arms[sd] = Arm(shoulder=shoulder_q(135, side=sd), elbow=15)
        return st

    def _solve(self, s, rep):
        if "trunk" not in self._cache:
            t = super()._solve(0.0, rep)
            self._cache["trunk"] = replace(t, root_pos=t.root_pos + np.array([0, 0, self.pad_top]))
        return super()._solve(s, rep)

    def props(self):
        st = self.solved(0.0, RepShape())
        P = self.poser.fk(st)
        ix = self.poser.ix
        hip_x = float(P.p[ix["upperleg01.L"], 0])
        sh_x = float(P.p[ix["upperarm01.L"], 0])
        hand = np.concatenate([self.poser.group_points(P, f"hand.{sd}") for sd in SIDES])
        top = self.pad_top
        bx, bz = float(hand[:, 0].mean()), float(hand[:, 2].mean())
        by = float(np.abs(hand[:, 1]).max()) + 0.06
        return [
            ((hip_x + 0.07, -0.2, top - 0.1), (sh_x + 0.02, 0.2, top), "pad"),
            ((hip_x + 0.25, -0.06, 0.0), (hip_x + 0.33, 0.06, top - 0.1), "frame"),
            ((hip_x + 0.05, -0.3, 0.0), (sh_x + 0.2, 0.3, 0.04), "frame"),
            ((bx - 0.015, -by, bz - 0.015), (bx + 0.015, by, bz + 0.015), "frame"),
            ((bx - 0.02, -by, 0.0), (bx + 0.02, -by + 0.04, bz), "frame"),
            ((bx - 0.02, by - 0.04, 0.0), (bx + 0.02, by, bz), "frame"),
        ]


_CLASSES = {
    c.name: c
    for c in (
        BirdDog,
        FireHydrant,
        GluteBridge,
        SingleLegBridge,
        Squat,
        SingleLegDeadlift,
        HamstringCurl,
        TricepsKickback,
        DonkeyCalfRaise,
        StandingHipAbduction,
        TricepsKickbackBench,
        SideLegLiftLow,
        SideLegLiftHigh,
        SideLegLiftStraight,
        ReverseLunge,
        CurtsyLunge,
        MountainClimber,
        Clamshell,
        FrogPump,
        CablePullThrough,
        ReverseHyperextension,
    )
}
_VARIANT_CLASSES = {c.subvariant: c for c in (Quadruped, Forearms, QuadrupedStraight, Standing)}
# the registries follow the catalogue (a missing class fails here, at import)
KICKBACK_VARIANTS = {n: _VARIANT_CLASSES[n] for n in KICKBACK_VARIANT_NAMES}
LOOKALIKES = {n: _CLASSES[n] for n in LOOKALIKE_NAMES}

DEFAULT_TOP = {
    "quadruped": RepShape(hip_ext=15, knee=90, arch=3),
    "forearms": RepShape(hip_ext=0, knee=90, arch=3),
    "quadruped_straight": RepShape(hip_ext=10, knee=3, arch=3),
    "standing": RepShape(hip_ext=20, knee=5, arch=3),
}


def movement_class(exercise: str, variant: str):
    if exercise == "kickback":
        return KICKBACK_VARIANTS[variant]
    return LOOKALIKES[exercise]
