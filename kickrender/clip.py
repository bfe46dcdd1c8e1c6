"""Clip specification, timeline, rendering loop, ground truth and the MP4 writer."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from fractions import Fraction
from pathlib import Path

import numpy as np

from .body import BLAZEPOSE_NAMES, REGION_FEET, REGION_HAIR, REGION_SHORTS, REGION_TOP, load_body
from .exercises import DEFAULT_TOP, RepShape, movement_class
from .pose import skin
from .props import mesh
from .raster import Camera, rasterize, vertex_normals
from .stance import Leg, Poser, Stance, hip_q
from .truth import hip_extension_deg, knee_flexion_deg

SKIN_TONES = [
    (0.87, 0.69, 0.57),
    (0.78, 0.57, 0.44),
    (0.62, 0.43, 0.31),
    (0.45, 0.3, 0.21),
    (0.93, 0.76, 0.65),
]
CLOTH = [
    (0.12, 0.12, 0.14),
    (0.75, 0.15, 0.2),
    (0.15, 0.3, 0.65),
    (0.2, 0.5, 0.35),
    (0.85, 0.85, 0.85),
    (0.55, 0.35, 0.65),
    (0.9, 0.55, 0.2),
    (0.35, 0.35, 0.38),
]
HAIR = [(0.1, 0.07, 0.05), (0.3, 0.2, 0.1), (0.6, 0.45, 0.25), (0.15, 0.12, 0.1)]

FAULT_ARCH = "lumbar_hyperextension"
FAULT_KNEE = "knee_straightened"


@dataclass(frozen=True)
class ClipSpec:
    # movement
    exercise: str = "kickback"  # "kickback" or a look-alike name (see exercises.LOOKALIKES)
    variant: str = "quadruped"  # kickback: quadruped | forearms | quadruped_straight | standing
    side: str = "right"  # working leg, the person's own side
    facing: str = "left"  # image direction of the person's front / head end
    reps: int = 4
    hip_ext: float | None = None  # peak hip extension at the top (truth convention), degrees
    knee_top: float | None = None  # knee flexion at the top
    arch_top: float | None = None  # lumbar arch at the top
    arch_reps: tuple[int, ...] = ()  # 1-based reps with an arched back
    straight_knee_reps: tuple[int, ...] = ()  # 1-based reps whose knee straightens
    fault_arch_deg: float = 22.0
    fault_knee_deg: float = 20.0
    rep_overrides: tuple = ()  # ((rep, (("hip_ext", 25.0), ...)), ...), 1-based
    # up, hold, down, rest seconds; None = the exercise's own tempo (0.8, 0.4, 0.8, 0.5 for kickbacks)
    tempo: tuple[float, float, float, float] | None = None
    lead_in: float = 0.6
    lead_out: float = 0.6
    partial_start: float = 0.0  # >0: the clip starts this fraction into the first rep
    partial_end: float = 0.0  # >0: the clip ends this fraction into an extra last rep
    # camera and scene
    width: int = 640
    height: int = 360
    fps: float = 30.0
    yaw: float = 0.0  # degrees off the side view, + toward the person's front
    pitch: float = 8.0  # camera elevation, degrees (looking down)
    distance: float | None = None  # metres; None = frame the body automatically
    hfov: float = 60.0
    fill: float = 0.8  # fraction of the frame the movement's bounding box fills
    shape: str = "average"  # body shape: average | female | male
    background: str = "textured"  # plain | textured | cluttered
    skin_tone: int | None = None
    top_colour: int | None = None
    shorts_colour: int | None = None
    noise: float = 2.0  # sensor noise sigma, 8-bit levels
    motion_blur: int = 1  # sub-frames averaged per frame
    seed: int = 0
    # conditions
    black_frames: int = 0
    fade_in_s: float = 0.0
    fade_out_s: float = 0.0
    foot_exit: bool = False
    banner_text: str | None = None
    rotate90: bool = False  # store the (portrait) clip sideways with a 90-degree rotation flag
    jitter_pts: float = 0.0  # fraction of a frame interval of random timing jitter
    truncate: float = 0.0  # fraction of the file's bytes cut from its end
    crf: int = 23
    # several sets (``sets.SetSpec``): when given, they replace side, facing, reps, arch_reps and
    # straight_knee_reps; between two sets the person rests or changes position (``sets.py``)
    sets: tuple = ()
    between: str = "kneel"  # "rest" or "kneel" (see kickrender.sets)
    between_s: float = 6.0


def _smooth(x):
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3 - 2 * x)


@dataclass
class Rep:
    start: float
    top0: float
    top1: float
    end: float
    shape: RepShape
    faults: list = field(default_factory=list)
    set_index: int = 0  #: 0-based set of the rep (clips of several sets)


def rep_shapes(spec: ClipSpec, n: int) -> list[RepShape]:
    key = "forearms" if spec.variant == "forearms" else spec.variant
    base = DEFAULT_TOP.get(key if spec.exercise == "kickback" else "quadruped")
    base = RepShape(
        hip_ext=base.hip_ext if spec.hip_ext is None else spec.hip_ext,
        knee=base.knee if spec.knee_top is None else spec.knee_top,
        arch=base.arch if spec.arch_top is None else spec.arch_top,
    )
    out = []
    ov = {int(k): dict(v) for k, v in spec.rep_overrides}
    for k in range(1, n + 1):
        r = base
        if k in spec.arch_reps:
            r = RepShape(r.hip_ext, r.knee, spec.fault_arch_deg)
        if k in spec.straight_knee_reps:
            r = RepShape(r.hip_ext, spec.fault_knee_deg, r.arch)
        if k in ov:
            r = RepShape(**{**asdict(r), **ov[k]})
        out.append(r)
    return out


def timeline(spec: ClipSpec):
    if spec.sets:
        from .sets import sets_timeline

        reps, _, t0, t1 = sets_timeline(spec, Rep)
        return reps, t0, t1
    up, hold, down, rest = spec.tempo or movement_class(spec.exercise, spec.variant).tempo
    n = spec.reps + (1 if spec.partial_end > 0 else 0)
    shapes = rep_shapes(spec, n)
    reps = []
    t = spec.lead_in
    for k in range(n):
        reps.append(Rep(t, t + up, t + up + hold, t + up + hold + down, shapes[k]))
        t = reps[-1].end + rest
    total = reps[-1].end + spec.lead_out
    t0 = 0.0
    t1 = total
    if spec.partial_start > 0:
        r = reps[0]
        t0 = r.start + spec.partial_start * (r.end - r.start)
    if spec.partial_end > 0:
        r = reps[-1]
        t1 = r.start + spec.partial_end * (r.end - r.start)
    return reps, t0, t1


def phase_at(reps: list[Rep], t: float) -> tuple[float, RepShape]:
    for r in reps:
        if r.start <= t < r.end:
            if t < r.top0:
                return float(_smooth((t - r.start) / (r.top0 - r.start))), r.shape
            if t < r.top1:
                return 1.0, r.shape
            return float(1 - _smooth((t - r.top1) / (r.end - r.top1))), r.shape
    # resting: the neighbouring rep's shape (s = 0 makes them all equal)
    return 0.0, reps[0].shape


# ---------------------------------------------------------------------------------
class Scene:
    """Everything fixed for a clip: body, colours, lighting, camera, background."""

    def __init__(self, spec: ClipSpec):
        self.spec = spec
        self.rng = np.random.default_rng(spec.seed)
        rng = self.rng
        self.body = load_body()
        self.poser = Poser(self.body, self.body.shape_index(spec.shape))
        self.hip_off = self._hip_offset()
        first = spec.sets[0] if spec.sets else spec
        side = "L" if first.side == "left" else "R"
        self.side = side
        self.move = movement_class(spec.exercise, spec.variant)(self.poser, side, self.hip_off)
        self.flip = (getattr(first, "facing", None) or spec.facing) == "left"
        # colours
        body = self.body
        skin_c = np.array(
            SKIN_TONES[
                spec.skin_tone if spec.skin_tone is not None else rng.integers(len(SKIN_TONES))
            ]
        )
        top = np.array(
            CLOTH[spec.top_colour if spec.top_colour is not None else rng.integers(len(CLOTH))]
        )
        shorts_i = (
            spec.shorts_colour if spec.shorts_colour is not None else rng.integers(len(CLOTH))
        )
        shorts = np.array(CLOTH[shorts_i])
        hair = np.array(HAIR[rng.integers(len(HAIR))])
        feet = skin_c if rng.random() < 0.6 else np.array(CLOTH[rng.integers(len(CLOTH))])
        alb = np.tile(skin_c, (len(body.region), 1))
        alb[body.region == REGION_TOP] = top
        alb[body.region == REGION_SHORTS] = shorts
        alb[body.region == REGION_HAIR] = hair
        alb[body.region == REGION_FEET] = feet
        alb *= 1 + rng.normal(0, 0.03, (len(alb), 1))
        # furniture (a bench, a pad): fixed boxes drawn with the body
        pv, pf, pc = mesh(self.move.props())
        self.prop_vertices = pv
        if self.flip:
            self.prop_vertices = pv @ np.diag([-1.0, -1.0, 1.0])
        self.faces = np.concatenate([body.faces, pf + len(alb)]) if len(pf) else body.faces
        alb = np.concatenate([alb, pc])
        self.albedo = alb.astype(np.float32)
        # light: from above, on the camera side, randomised
        az = np.radians(rng.uniform(-60, 60))
        el = np.radians(rng.uniform(35, 65))
        self.light = np.array([np.sin(az) * np.cos(el), -np.cos(az) * np.cos(el), np.sin(el)])
        self.ambient = rng.uniform(0.35, 0.5)
        self.kd = rng.uniform(0.55, 0.75)
        self.reps, self.t0, self.t1 = timeline(spec)
        self.sets_poser = None
        if spec.sets:
            from .sets import SetsPoser

            self.sets_poser = SetsPoser(self)

    def side_at(self, t: float) -> str:
        """The working side at clip time ``t`` (the set's, in a clip of sets)."""
        if self.sets_poser is None:
            return self.spec.side
        return self.spec.sets[self.sets_poser.set_at(t)].side

    def set_at(self, t: float) -> int:
        """The 0-based set at clip time ``t``; -1 during a change of position between sets."""
        if self.sets_poser is None:
            return 0
        return -1 if self.sets_poser.change_at(t) is not None else self.sets_poser.set_at(t)

    def _hip_offset(self) -> float:
        st = Stance(up=np.array([0, 0, 1.0]), front=np.array([1.0, 0, 0]))
        for s in ("L", "R"):
            st.legs[s] = Leg(hip=hip_q(0.0, side=s))
        P = self.poser.fk(st)
        j = self.joints(P, None)
        lat = P.R[0] @ np.array([1.0, 0, 0])
        return 0.5 * (hip_extension_deg(j, "left", lat) + hip_extension_deg(j, "right", lat))

    def joints(self, P, verts) -> dict:
        out = {}
        for name, kind, i in self.body.landmark_sources():
            if kind == "bone":
                out[name] = P.p[i].copy()
            elif verts is not None:
                out[name] = verts[i].astype(np.float64)
            else:
                T = P.transforms(self.poser.rig.heads)
                out[name] = skin(self.poser.rest, self.body, T, [i])[0].astype(np.float64)
        return out

    def pose_at(self, t: float):
        if self.sets_poser is not None:
            return self.sets_poser.pose_at(t)
        return self.pose_at_phase(*phase_at(self.reps, t))

    def pose_at_phase(self, s: float, shape: RepShape):
        """(s, shape, stance, vertices (body then furniture), joints, pelvis left axis)."""
        st = self.move.solved(s, shape)
        P = self.poser.fk(st)
        T = P.transforms(self.poser.rig.heads)
        V = skin(self.poser.rest, self.body, T).astype(np.float64)
        if self.move.on_floor:
            drop = V[:, 2].min()  # nothing below the floor
            V[:, 2] -= drop
            P.p[:, 2] -= drop
        j = self.joints(P, V)
        lat = P.R[0] @ np.array([1.0, 0, 0])
        if self.flip:
            F = np.diag([-1.0, -1.0, 1.0])
            V = V @ F
            j = {k: v @ F for k, v in j.items()}
            lat = lat @ F
        if len(self.prop_vertices):
            V = np.concatenate([V, self.prop_vertices])
        return s, shape, st, V, j, lat


def _camera_for(scene: Scene, samples: list[np.ndarray], foot_pts=None) -> Camera:
    spec = scene.spec
    W, H = spec.width, spec.height
    P = np.concatenate(samples)
    front = np.array([-1.0 if scene.flip else 1.0, 0, 0])
    yaw, pit = np.radians(spec.yaw), np.radians(spec.pitch)
    d = np.cos(yaw) * np.array([0, -1.0, 0]) + np.sin(yaw) * front
    d = np.cos(pit) * d + np.sin(pit) * np.array([0, 0, 1.0])
    target = (P.min(0) + P.max(0)) / 2
    dist = spec.distance or 3.0
    for _ in range(6):
        cam = Camera.look_at(target + d * dist, target, W, H, spec.hfov)
        uv, _ = cam.project(P)
        lo, hi = uv.min(0), uv.max(0)
        c = (lo + hi) / 2
        # re-centre
        depth = dist
        k = depth / cam.f
        target = target + cam.R[0] * (c[0] - cam.cx) * k + cam.R[1] * (c[1] - cam.cy) * k
        if spec.distance is None:
            scale = max((hi[0] - lo[0]) / (spec.fill * W), (hi[1] - lo[1]) / (spec.fill * H))
            dist = dist * scale
    cam = Camera.look_at(target + d * dist, target, W, H, spec.hfov)
    if foot_pts is not None:
        # slide the framing so the highest foot position leaves the frame at the top
        uv, _ = cam.project(P)
        fuv, _ = cam.project(foot_pts)
        top_body = uv[:, 1].min()
        shift = max(0.0, (fuv[:, 1].min() + 25) - 0)  # pixels the view must move up... down
        # put the top of the (foot-less) body 6% below the frame top
        dy = top_body - 0.06 * H
        target = target + cam.R[1] * dy * dist / cam.f
        cam = Camera.look_at(target + d * dist, target, W, H, spec.hfov)
        del shift
    return cam


def _background(scene: Scene, cam: Camera, floor_extent) -> np.ndarray:
    spec, rng = scene.spec, scene.rng
    W, H = spec.width, spec.height
    u, v = np.meshgrid(np.arange(W) + 0.5, np.arange(H) + 0.5)
    rays = np.stack([(u - cam.cx) / cam.f, (v - cam.cy) / cam.f, np.ones_like(u)], -1) @ cam.R
    wall = np.array(rng.uniform(0.55, 0.9, 3))
    wall = wall * 0.85 + wall.mean() * 0.15
    floorc = np.array(rng.uniform(0.3, 0.65, 3)) * np.array([1.0, 0.9, 0.75])
    img = np.empty((H, W, 3), np.float32)
    img[:] = wall * (0.9 + 0.15 * (v / H))[..., None]
    hit = rays[..., 2] < -1e-6
    tt = np.where(hit, -cam.position[2] / np.where(hit, rays[..., 2], -1), np.inf)
    fx = cam.position[0] + tt * rays[..., 0]
    fy = cam.position[1] + tt * rays[..., 1]
    # floor plane limited by a back wall 2.5 m behind the body
    on_floor = hit & (fy < 2.5)
    fl = np.empty((H, W, 3), np.float32)
    fl[:] = floorc
    if spec.background != "plain":
        plank = np.floor(np.where(np.isfinite(fy), fy, 0) / 0.18)
        tone = (np.sin(plank * 12.9898) * 43758.5453) % 1.0
        fl *= (0.85 + 0.2 * tone)[..., None]
        grain = rng.normal(0, 1, (H // 4 + 1, W // 4 + 1))
        import cv2

        grain = cv2.resize(cv2.GaussianBlur(grain, (0, 0), 1.5), (W, H))
        img *= (1 + 0.04 * grain)[..., None]
        fl *= (1 + 0.05 * grain)[..., None]
    # exercise mat
    x0, x1 = floor_extent
    mat = (fx > x0 - 0.25) & (fx < x1 + 0.25) & (np.abs(fy) < 0.33)
    matc = np.array(CLOTH[rng.integers(len(CLOTH))]) * 0.9
    fl[mat] = matc
    fade = 0.8 + 0.2 * np.clip(1.5 / (tt[on_floor] + 1e-6), 0, 1)
    img[on_floor] = fl[on_floor] * fade[..., None]
    if spec.background == "cluttered":
        import cv2

        wall_img = img.copy()
        for _ in range(int(rng.integers(6, 14))):
            w, h = rng.integers(W // 16, W // 4), rng.integers(H // 12, H // 2)
            x, y = rng.integers(-w // 2, W), rng.integers(-h // 2, H)
            c = tuple(float(q) for q in rng.uniform(0.1, 0.95, 3))
            cv2.rectangle(wall_img, (int(x), int(y)), (int(x + w), int(y + h)), c, -1)
        img[~on_floor] = wall_img[~on_floor]
    return np.clip(img, 0, 1)


def _shade(scene: Scene, V: np.ndarray, cam: Camera) -> np.ndarray:
    n = vertex_normals(V, scene.faces)
    L = scene.light
    if scene.flip:
        pass
    lam = np.clip(n @ L, 0, None)
    fill = 0.15 * np.clip(n @ -cam.R[2], 0, None)
    sh = scene.ambient + scene.kd * lam + fill
    return (scene.albedo * sh[:, None].astype(np.float32)).astype(np.float32)


def _shadow(cam: Camera, V: np.ndarray, strength: float = 0.45) -> np.ndarray:
    """Soft contact shadow: darkening factor (H, W) from body points near the floor."""
    import cv2

    W, H = cam.width, cam.height
    P = V[::7]
    w = np.exp(-np.clip(P[:, 2], 0, None) / 0.12)
    F = P.copy()
    F[:, 2] = 0.0
    uv, z = cam.project(F)
    s = 4
    gw, gh = W // s + 1, H // s + 1
    gx = np.clip((uv[:, 0] / s).astype(int), 0, gw - 1)
    gy = np.clip((uv[:, 1] / s).astype(int), 0, gh - 1)
    ok = (z > 0) & (uv[:, 0] >= 0) & (uv[:, 0] < W) & (uv[:, 1] >= 0) & (uv[:, 1] < H)
    acc = np.bincount(gy[ok] * gw + gx[ok], weights=w[ok], minlength=gw * gh).reshape(gh, gw)
    acc = cv2.GaussianBlur(acc.astype(np.float32), (0, 0), 2.0)
    acc = np.clip(acc / 3.0, 0, 1)
    big = cv2.resize(acc, (gw * s, gh * s))[:H, :W]
    return 1.0 - strength * big


def render_frame(scene: Scene, cam: Camera, bg: np.ndarray, Vs: list[np.ndarray]) -> np.ndarray:
    acc = None
    for V in Vs:
        col = _shade(scene, V, cam)
        uv, z = cam.project(V)
        img, mask, _ = rasterize(uv, z, col, scene.faces, cam.width, cam.height)
        shade = _shadow(cam, V)[..., None]
        out = np.where(mask[..., None], img, bg * shade)
        acc = out if acc is None else acc + out
    return acc / len(Vs)


def _banner(img: np.ndarray, text: str, y_frac: float) -> None:
    import cv2

    H, W = img.shape[:2]
    y = int(y_frac * H)
    h = max(18, H // 10)
    y0 = int(np.clip(y - h // 2, 0, H - h))
    img[y0 : y0 + h] = img[y0 : y0 + h] * 0.35
    scale = h / 40
    tw = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, max(1, int(2 * scale)))[0][0]
    if tw > 0.92 * W:
        scale *= 0.92 * W / tw
    cv2.putText(
        img,
        text,
        (int(0.04 * W), y0 + int(0.72 * h)),
        cv2.FONT_HERSHEY_SIMPLEX,
        scale,
        (1.0, 1.0, 1.0),
        max(1, int(2 * scale)),
        cv2.LINE_AA,
    )


def render_clip(spec: ClipSpec, out_path: str | os.PathLike) -> dict:
    """Render ``spec`` to ``out_path`` (H.264 MP4) and write ``NAME.truth.json``; returns truth."""
    import cv2

    scene = Scene(spec)
    fps = spec.fps
    n = int(round((scene.t1 - scene.t0) * fps))
    rng = np.random.default_rng(spec.seed + 1)
    # frame times (with optional jitter)
    ts = np.arange(n) / fps
    if spec.jitter_pts > 0:
        ts = ts + rng.uniform(-0.5, 0.5, n) * spec.jitter_pts / fps
        ts[0] = 0.0
        ts = np.maximum.accumulate(ts + np.arange(n) * 1e-6)
    # poses
    poses = [scene.pose_at(scene.t0 + t) for t in ts]
    sub = []
    if spec.motion_blur > 1:
        k = spec.motion_blur
        offs = (np.arange(k) - (k - 1) / 2) / k * (0.5 / fps)
        for t in ts:
            sub.append([scene.pose_at(scene.t0 + t + o)[3] for o in offs])
    else:
        sub = [[p[3]] for p in poses]
    # camera: frame the whole movement
    stride = max(1, n // 24)
    samples = [p[3][::5] for p in poses[::stride]]
    foot = None
    if spec.foot_exit:
        dom = scene.body.dominant_bone
        w = scene.side
        legbones = [
            i
            for i, nm in enumerate(scene.body.bone_names)
            if nm.endswith("." + w) and nm.startswith(("lowerleg", "foot", "toe"))
        ]
        keep = np.ones(len(poses[0][3]), bool)
        keep[: len(dom)] = ~np.isin(dom, legbones)
        samples = [p[3][keep][::5] for p in poses[::stride]]
        foot = np.array([p[4][f"{spec.side}_foot_index"] for p in poses])
    cam = _camera_for(scene, samples, foot)
    allx = np.concatenate([s[:, 0] for s in samples])
    bg = _background(scene, cam, (allx.min(), allx.max()))

    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_name(out_path.name + ".part")
    W, H = spec.width, spec.height
    sw, sh = (H, W) if spec.rotate90 else (W, H)
    import av

    container = av.open(str(tmp), "w", format="mp4", options={"movflags": "+faststart"})
    stream = container.add_stream("libx264", rate=Fraction(fps).limit_denominator(1001))
    stream.width, stream.height = sw, sh
    stream.pix_fmt = "yuv420p"
    stream.time_base = Fraction(1, 90000)
    stream.codec_context.time_base = Fraction(1, 90000)
    stream.options = {"crf": str(spec.crf), "preset": "fast", "g": str(int(2 * fps))}
    if spec.rotate90:
        # stored sideways: players rotate the stored frame by 90 degrees clockwise
        stream.set_display_rotation(-90)

    frames_truth = []
    nrng = np.random.default_rng(spec.seed + 2)
    noise_bank = None
    if spec.noise > 0:
        noise_bank = nrng.standard_normal((3, H + 16, W + 16, 3), dtype=np.float32)
        noise_bank *= spec.noise / 255
    last_pts = -1
    for i, (t, pose) in enumerate(zip(ts, poses, strict=True)):
        s, shape, st, V, j, lat = pose
        img = render_frame(scene, cam, bg, sub[i])
        img = cv2.GaussianBlur(img, (0, 0), 0.55)
        if spec.banner_text:
            uvh = cam.project(np.array([j["left_hip"], j["left_shoulder"]]))[0]
            _banner(img, spec.banner_text, float(np.clip(uvh[:, 1].mean() / H, 0.1, 0.9)))
        gain = 1.0
        if i < spec.black_frames:
            gain = 0.0
        elif spec.fade_in_s > 0:
            gain = min(1.0, (t - ts[min(spec.black_frames, n - 1)]) / spec.fade_in_s)
        if spec.fade_out_s > 0:
            gain = min(gain, max(0.0, (ts[-1] - t) / spec.fade_out_s))
        img = img * gain
        if noise_bank is not None and gain > 0:
            k, oy, ox = nrng.integers(3), nrng.integers(16), nrng.integers(16)
            img = img + noise_bank[k, oy : oy + H, ox : ox + W]
        u8 = (np.clip(img, 0, 1) * 255 + 0.5).astype(np.uint8)
        if spec.rotate90:
            u8 = np.ascontiguousarray(np.rot90(u8, k=1))
        fr = av.VideoFrame.from_ndarray(u8, format="rgb24")
        pts = int(round(t * 90000))
        if pts <= last_pts:
            pts = last_pts + 1
        last_pts = pts
        fr.pts = pts
        fr.time_base = Fraction(1, 90000)
        for pkt in stream.encode(fr):
            container.mux(pkt)
        # truth
        names = BLAZEPOSE_NAMES
        P3 = np.array([j[k] for k in names])
        uv, _ = cam.project(P3)
        side = scene.side_at(scene.t0 + t)
        frames_truth.append(
            {
                "index": i,
                "t_s": round(pts / 90000, 6),
                "phase": round(float(s), 4),
                "set": scene.set_at(scene.t0 + t),
                "working_side": side,
                "hip_extension_deg": round(hip_extension_deg(j, side, lat), 3),
                "knee_flexion_deg": round(knee_flexion_deg(j, side), 3),
                "lumbar_arch_deg": round(float(st.lumbar_arch), 3) if st is not None else 0.0,
                "joints_2d": {
                    k: [round(float(a), 1), round(float(b), 1)]
                    for k, (a, b) in zip(names, uv, strict=True)
                },
                "joints_3d": {
                    k: [round(float(c), 3) for c in p] for k, p in zip(names, P3, strict=True)
                },
            }
        )
    for pkt in stream.encode():
        container.mux(pkt)
    container.close()
    os.replace(tmp, out_path)
    size = out_path.stat().st_size
    decodable = None
    if spec.truncate > 0:
        os.truncate(out_path, int(size * (1 - spec.truncate)))
        decodable = _count_decodable(out_path)

    truth = _truth_doc(spec, scene, cam, ts, frames_truth)
    truth["file_bytes_written"] = size
    if decodable is not None:
        truth["truncated"] = True
        truth["frames_decodable"] = decodable
        dec_s = float(ts[decodable - 1] + 1 / fps) if decodable else 0.0
        truth["decodable_s"] = round(dec_s, 4)
        for r in truth["reps"]:
            r["cut_by_truncation"] = bool(r["end_s"] > dec_s)
    tp = out_path.with_name(out_path.stem + ".truth.json")
    ttmp = tp.with_name(tp.name + ".part")
    ttmp.write_text(json.dumps(truth, separators=(",", ":")))
    os.replace(ttmp, tp)
    return truth


def _count_decodable(path) -> int:
    import av

    n = 0
    try:
        with av.open(str(path)) as c:
            for _ in c.decode(video=0):
                n += 1
    except Exception:  # noqa: BLE001 - a truncated file ends in a decoding error
        pass
    return n


def _truth_doc(spec: ClipSpec, scene: Scene, cam: Camera, ts, frames) -> dict:
    mv = scene.move
    dur = float(ts[-1] + 1 / spec.fps) if len(ts) else 0.0
    reps = []
    bent = mv.is_kickback and spec.variant in ("quadruped", "forearms")
    for r in scene.reps:
        a, b = r.start - scene.t0, r.end - scene.t0
        if b <= 0 or a >= dur:
            continue
        top = (r.top0 + r.top1) / 2 - scene.t0
        top_in = 0 <= top < dur
        faults = []
        if top_in and mv.is_kickback:
            if r.shape.arch >= 12:
                faults.append(FAULT_ARCH)
            if bent and r.shape.knee <= 45:
                faults.append(FAULT_KNEE)
        reps.append(
            {
                "set": r.set_index + 1,
                "start_s": round(max(a, 0.0), 4),
                "top_s": round(top, 4) if top_in else None,
                "end_s": round(min(b, dur), 4),
                "partial": bool(a < 0 or b > dur),
                "faults": faults,
                "target": {
                    "hip_extension_deg": r.shape.hip_ext,
                    "knee_flexion_deg": r.shape.knee,
                    "lumbar_arch_deg": r.shape.arch,
                },
            }
        )
    conditions = {
        k: getattr(spec, k)
        for k in (
            "black_frames",
            "fade_in_s",
            "fade_out_s",
            "foot_exit",
            "banner_text",
            "rotate90",
            "jitter_pts",
            "truncate",
            "motion_blur",
            "noise",
            "background",
        )
    }
    doc = {
        "format": "kickrender-truth/1",
        "exercise": spec.exercise,
        "is_kickback": bool(mv.is_kickback),
        "variant": mv.variant if mv.is_kickback else None,
        "subvariant": mv.subvariant if mv.is_kickback else None,
        "working_side": spec.side,
        "facing": spec.facing,
        "camera": {
            "yaw_deg": spec.yaw,
            "pitch_deg": spec.pitch,
            "hfov_deg": spec.hfov,
            "position": [round(float(c), 4) for c in cam.position],
            "focal_px": round(float(cam.f), 3),
        },
        "fps": spec.fps,
        "tempo_s": list(spec.tempo or mv.tempo),
        "width": spec.width,
        "height": spec.height,
        "rotation_deg": 90 if spec.rotate90 else 0,
        "coordinates": (
            "joints_2d are pixels in the displayed (upright) frame; joints_3d metres, z up"
        ),
        "n_frames": len(frames),
        "duration_s": round(dur, 4),
        "body_shape": spec.shape,
        "conditions": conditions,
        "spec": {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(spec).items()},
        "reps": reps,
        "frames": frames,
    }
    if spec.sets:
        from collections import Counter

        from .sets import sets_truth

        doc.update(sets_truth(spec, scene, ts, frames))
        sides = Counter(r.set_index for r in scene.reps)
        by_side = Counter()
        for k, n in sides.items():
            by_side[spec.sets[k].side] += n
        doc["working_side"] = max(by_side, key=lambda sd: (by_side[sd], sd == spec.sets[0].side))
        doc["facing"] = spec.sets[0].facing or spec.facing
    return doc
