"""BlazePose landmark ids (the 33 points MediaPipe Pose returns), skeleton edges and left/right pairs.

Use the ``Landmark`` enum everywhere; never index landmarks with strings or bare ints.
"Left" and "right" are the *person's own* sides, as MediaPipe labels them.
"""

from __future__ import annotations

from enum import IntEnum


class Landmark(IntEnum):
    NOSE = 0
    LEFT_EYE_INNER = 1
    LEFT_EYE = 2
    LEFT_EYE_OUTER = 3
    RIGHT_EYE_INNER = 4
    RIGHT_EYE = 5
    RIGHT_EYE_OUTER = 6
    LEFT_EAR = 7
    RIGHT_EAR = 8
    MOUTH_LEFT = 9
    MOUTH_RIGHT = 10
    LEFT_SHOULDER = 11
    RIGHT_SHOULDER = 12
    LEFT_ELBOW = 13
    RIGHT_ELBOW = 14
    LEFT_WRIST = 15
    RIGHT_WRIST = 16
    LEFT_PINKY = 17
    RIGHT_PINKY = 18
    LEFT_INDEX = 19
    RIGHT_INDEX = 20
    LEFT_THUMB = 21
    RIGHT_THUMB = 22
    LEFT_HIP = 23
    RIGHT_HIP = 24
    LEFT_KNEE = 25
    RIGHT_KNEE = 26
    LEFT_ANKLE = 27
    RIGHT_ANKLE = 28
    LEFT_HEEL = 29
    RIGHT_HEEL = 30
    LEFT_FOOT_INDEX = 31
    RIGHT_FOOT_INDEX = 32


N_LANDMARKS = 33

#: (left, right) pairs; swapping every pair mirrors the person's labels.
LR_PAIRS: tuple[tuple[Landmark, Landmark], ...] = tuple(
    (Landmark[n], Landmark[n.replace("LEFT_", "RIGHT_")])
    for n in Landmark.__members__
    if n.startswith("LEFT_")
) + ((Landmark.MOUTH_LEFT, Landmark.MOUTH_RIGHT),)

#: Index permutation that swaps every left landmark with its right twin.
SWAP_LR: tuple[int, ...] = tuple(
    {**{int(a): int(b) for a, b in LR_PAIRS}, **{int(b): int(a) for a, b in LR_PAIRS}}.get(i, i)
    for i in range(N_LANDMARKS)
)

#: Bones drawn in overlays.
SKELETON_EDGES: tuple[tuple[Landmark, Landmark], ...] = (
    (Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER),
    (Landmark.LEFT_HIP, Landmark.RIGHT_HIP),
    (Landmark.LEFT_SHOULDER, Landmark.LEFT_HIP),
    (Landmark.RIGHT_SHOULDER, Landmark.RIGHT_HIP),
    (Landmark.LEFT_SHOULDER, Landmark.LEFT_ELBOW),
    (Landmark.LEFT_ELBOW, Landmark.LEFT_WRIST),
    (Landmark.RIGHT_SHOULDER, Landmark.RIGHT_ELBOW),
    (Landmark.RIGHT_ELBOW, Landmark.RIGHT_WRIST),
    (Landmark.LEFT_HIP, Landmark.LEFT_KNEE),
    (Landmark.LEFT_KNEE, Landmark.LEFT_ANKLE),
    (Landmark.RIGHT_HIP, Landmark.RIGHT_KNEE),
    (Landmark.RIGHT_KNEE, Landmark.RIGHT_ANKLE),
    (Landmark.LEFT_ANKLE, Landmark.LEFT_HEEL),
    (Landmark.LEFT_HEEL, Landmark.LEFT_FOOT_INDEX),
    (Landmark.RIGHT_ANKLE, Landmark.RIGHT_HEEL),
    (Landmark.RIGHT_HEEL, Landmark.RIGHT_FOOT_INDEX),
)


def side_landmarks(side: str) -> dict[str, Landmark]:
    """The limb landmarks of one side ("left" or "right"), keyed by joint name."""
    if side not in ("left", "right"):
        raise ValueError(f"side must be 'left' or 'right', got {side!r}")
    p = side.upper() + "_"
    return {
        j: Landmark[p + j.upper()]
        for j in ("shoulder", "elbow", "wrist", "hip", "knee", "ankle", "heel", "foot_index")
    }
