"""Exercise movements: stance at movement phase s in [0, 1] (0 = start/rest, 1 = top).

All stances are built facing world +x (head end / front toward +x), floor z = 0; the
clip later turns the whole body round for facing="left".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .stance import SIDES, Arm, Leg, Poser, Stance, hip_q, shoulder_q

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


class Movement:
    name = "base"
    is_kickback = False
    variant = "other"
    subvariant = ""
    contacts_a: tuple = ()
    contacts_b: tuple = ()
    anchor: tuple = ()
    work_contacts_a: tuple = ()  # groups listed as templates "hand.{o}" etc.

    def __init__(self, poser: Poser, side: str, hip_offset: float):
        self.poser = poser
        self.w = side  # "L"/"R"
        self.o = other(side)
        self.hip_off = hip_offset  # truth angle of a neutral thigh (pelvis-relative ext 0)

    def groups(self, names):
        return [g.format(w=self.w, o=self.o) for g in names]

    def hip(self, truth_angle: float, **kw):
        return hip_q(truth_angle - self.hip_off, side=kw.pop("side", self.w), **kw)

    def stance(self, s: float, rep: RepShape) -> Stance:
        raise NotImplementedError

    def solved(self, s: float, rep: RepShape) -> Stance:
        st = self.stance(s, rep)
        return self.poser.solve(
            st, self.groups(self.contacts_a), self.groups(self.contacts_b), self.groups(self.anchor)
        )


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


KICKBACK_VARIANTS = {
    "quadruped": Quadruped,
    "forearms": Forearms,
    "quadruped_straight": QuadrupedStraight,
    "standing": Standing,
}
LOOKALIKES = {
    "bird_dog": BirdDog,
    "fire_hydrant": FireHydrant,
    "glute_bridge": GluteBridge,
    "single_leg_bridge": SingleLegBridge,
    "squat": Squat,
    "single_leg_deadlift": SingleLegDeadlift,
    "standing_hamstring_curl": HamstringCurl,
    "triceps_kickback": TricepsKickback,
    "donkey_calf_raise": DonkeyCalfRaise,
}

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
