"""The one list of rendered exercises, shared by the renderer, the benchmarks and the tests.

Pure data (no NumPy, no rendering), so that anything may import it cheaply. ``exercises.py``
builds its registries from these names, in this order, and fails at import if one lacks a class.

``reason`` is the family of the gate's "no" that should reject the look-alike when the camera
can judge it (a hint for the benchmarks' tables, not a contract):

- ``hips_still``: the hips hardly moved; another segment (an arm, a lower leg, the ankles) did;
- ``posture``: not on all fours nor standing (lying on the back or the side, a plank);
- ``both_legs``: both legs moved together;
- ``trunk_follows``: the trunk swung with the leg;
- ``not_behind``: the working thigh never travelled behind the trunk line;
- ``arm_reach``: an arm reached forward with each kick;
- ``abduction``: the thigh swung out to the side, not back.
"""

from __future__ import annotations

from dataclasses import dataclass

#: kickback variants (``ClipSpec(exercise="kickback", variant=NAME)``)
KICKBACK_VARIANT_NAMES = ("quadruped", "forearms", "quadruped_straight", "standing")


@dataclass(frozen=True)
class LookAlike:
    name: str
    posture: str  # quadruped | standing | supine | prone | side_lying | kneeling_bench | plank
    description: str
    reason: str  # expected gate reason family (see the module docstring)


LOOKALIKE_CATALOG: tuple[LookAlike, ...] = (
    LookAlike(
        "bird_dog",
        "quadruped",
        "on all fours, one leg extends back while the opposite arm reaches forward",
        "arm_reach",
    ),
    LookAlike(
        "fire_hydrant",
        "quadruped",
        "on all fours, the bent working leg swings out to the side (55 degrees)",
        "abduction",
    ),
    LookAlike(
        "glute_bridge",
        "supine",
        "on the back, knees bent, feet on the floor, both hips lift",
        "posture",
    ),
    LookAlike(
        "single_leg_bridge",
        "supine",
        "on the back, one foot on the floor and the other leg held out straight, hips lift",
        "posture",
    ),
    LookAlike("squat", "standing", "both knees and hips bend and extend together", "both_legs"),
    LookAlike(
        "single_leg_deadlift",
        "standing",
        "hinge on one leg while the other rises behind in line with the trunk",
        "trunk_follows",
    ),
    LookAlike(
        "standing_hamstring_curl",
        "standing",
        "upright, the working knee bends; the thigh stays vertical",
        "hips_still",
    ),
    LookAlike(
        "triceps_kickback",
        "standing",
        "bent over on both feet, one elbow extends back",
        "hips_still",
    ),
    LookAlike(
        "donkey_calf_raise",
        "standing",
        "hinged 80 degrees with straight legs, both heels rise",
        "hips_still",
    ),
    LookAlike(
        "standing_hip_abduction",
        "standing",
        "standing cable or band hip abduction: upright trunk, straight support leg, the straight "
        "working leg swings out sideways to 40 degrees",
        "abduction",
    ),
    LookAlike(
        "triceps_kickback_bench",
        "kneeling_bench",
        "one-arm dumbbell triceps kickback: one knee and the same-side hand on a bench, the other "
        "foot on the floor, trunk near horizontal, the working elbow extends back; hips flexed "
        "about 90 degrees throughout",
        "hips_still",
    ),
    LookAlike(
        "side_leg_lift_low",
        "quadruped",
        "on all fours, the bent working leg lifts out to the side to 30 degrees (a low fire "
        "hydrant)",
        "abduction",
    ),
    LookAlike(
        "side_leg_lift_high",
        "quadruped",
        "on all fours, the bent working leg lifts out to the side to 80 degrees, the thigh "
        "above horizontal",
        "abduction",
    ),
    LookAlike(
        "side_leg_lift_straight",
        "quadruped",
        "on all fours, the straight working leg, toes on the floor out to the side, lifts "
        "sideways to hip height",
        "abduction",
    ),
    LookAlike(
        "reverse_lunge",
        "standing",
        "the working leg steps back and both knees bend to about 90 degrees, the back knee near "
        "the floor, then it steps back in",
        "both_legs",
    ),
    LookAlike(
        "curtsy_lunge",
        "standing",
        "the working leg steps back and across behind the front leg, both knees bend",
        "both_legs",
    ),
    LookAlike(
        "mountain_climber",
        "plank",
        "straight-arm plank, the knees are driven toward the chest in turn, fast",
        "both_legs",
    ),
    LookAlike(
        "clamshell",
        "side_lying",
        "lying on the side, hips and knees bent, feet together, the top knee opens",
        "posture",
    ),
    LookAlike(
        "frog_pump",
        "supine",
        "on the back, soles together and knees out, the hips bridge up",
        "posture",
    ),
    LookAlike(
        "cable_pull_through",
        "standing",
        "feet wide, a hip hinge with the arms hanging between the legs, then a stand-up",
        "trunk_follows",
    ),
    LookAlike(
        "reverse_hyperextension",
        "prone",
        "lying face down on a high pad, hips at its edge, both straight legs swing up behind "
        "from hanging to above horizontal",
        "both_legs",
    ),
)

#: every look-alike exercise name (``ClipSpec(exercise=NAME)``), in catalogue order
LOOKALIKE_NAMES: tuple[str, ...] = tuple(e.name for e in LOOKALIKE_CATALOG)
LOOKALIKE_INFO: dict[str, LookAlike] = {e.name: e for e in LOOKALIKE_CATALOG}
#: the nine look-alikes of the first accuracy grid (its README table counts these)
FIRST_LOOKALIKES: tuple[str, ...] = LOOKALIKE_NAMES[:9]
#: every exercise name ``ClipSpec(exercise=...)`` takes
EXERCISE_NAMES: tuple[str, ...] = ("kickback", *LOOKALIKE_NAMES)
