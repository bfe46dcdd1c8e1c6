"""Camera and a vectorised NumPy z-buffer rasteriser with Gouraud (Lambert) shading."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Camera:
    """Pinhole camera. World: z up. ``R`` rows are the camera axes (right, down, forward)."""

    position: np.ndarray
    R: np.ndarray
    f: float
    cx: float
    cy: float
    width: int
    height: int

    @classmethod
    def look_at(cls, eye, target, width: int, height: int, hfov_deg: float = 60.0) -> Camera:
        eye = np.asarray(eye, float)
        fwd = np.asarray(target, float) - eye
        fwd /= np.linalg.norm(fwd)
        right = np.cross(fwd, [0, 0, 1.0])
        right /= np.linalg.norm(right)
        down = np.cross(fwd, right)
        f = (width / 2) / np.tan(np.radians(hfov_deg) / 2)
        return cls(eye, np.stack([right, down, fwd]), f, width / 2, height / 2, width, height)

    def project(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """World points (N, 3) -> pixel coords (N, 2) (pixel centres at +0.5) and depth."""
        c = (np.asarray(X) - self.position) @ self.R.T
        z = c[:, 2]
        zs = np.where(z > 1e-6, z, 1e-6)
        uv = np.stack([self.f * c[:, 0] / zs + self.cx, self.f * c[:, 1] / zs + self.cy], axis=1)
        return uv, z


_BUCKETS = (2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64)


def vertex_normals(V: np.ndarray, F: np.ndarray) -> np.ndarray:
    fn = np.cross(V[F[:, 1]] - V[F[:, 0]], V[F[:, 2]] - V[F[:, 0]])
    n = np.zeros_like(V)
    for k in range(3):
        for a in range(3):
            n[:, a] += np.bincount(F[:, k], weights=fn[:, a], minlength=len(V))
    n /= np.linalg.norm(n, axis=1, keepdims=True) + 1e-12
    return n


def rasterize(
    uv: np.ndarray,
    z: np.ndarray,
    col: np.ndarray,
    F: np.ndarray,
    width: int,
    height: int,
    cull_back: bool = True,
):
    """Draw triangles; returns (rgb float32 (H,W,3), coverage mask (H,W) bool, depth (H,W))."""
    img = np.zeros((height * width, 3), np.float32)
    zbuf = np.full(height * width, np.inf, np.float32)
    uv = uv.astype(np.float32)
    z = z.astype(np.float32)
    p0, p1, p2 = uv[F[:, 0]], uv[F[:, 1]], uv[F[:, 2]]
    e1, e2 = p1 - p0, p2 - p0
    area = e1[:, 0] * e2[:, 1] - e1[:, 1] * e2[:, 0]
    zmin = np.minimum(np.minimum(z[F[:, 0]], z[F[:, 1]]), z[F[:, 2]])
    keep = (zmin > 0.05) & (np.abs(area) > 1e-9)
    if cull_back:
        keep &= area < 0  # counter-clockwise on screen (y down) faces the camera
    mn = np.floor(np.minimum(np.minimum(p0, p1), p2) - 0.5).astype(np.int64)
    mx = np.floor(np.maximum(np.maximum(p0, p1), p2) - 0.5).astype(np.int64) + 1
    keep &= (mx[:, 0] >= 0) & (mx[:, 1] >= 0) & (mn[:, 0] < width) & (mn[:, 1] < height)
    mn = np.maximum(mn, 0)
    mx[:, 0] = np.minimum(mx[:, 0], width - 1)
    mx[:, 1] = np.minimum(mx[:, 1], height - 1)
    size = np.maximum(mx[:, 0] - mn[:, 0], mx[:, 1] - mn[:, 1]) + 1
    tri = np.nonzero(keep)[0]
    mn32 = mn.astype(np.int32)
    frag_pix, frag_z, frag_tri, frag_w = [], [], [], []
    lo = 0
    for K in _BUCKETS + (10**9,):
        sel = tri[(size[tri] > lo) & (size[tri] <= K)]
        lo = K
        if len(sel) == 0:
            continue
        if K == 10**9:
            K = int(size[sel].max())
            if K > 2048:
                sel = sel[size[sel] <= 2048]
                K = int(size[sel].max()) if len(sel) else 0
            if K == 0:
                continue
        oy, ox = np.divmod(np.arange(K * K, dtype=np.int32), K)
        px = mn32[sel, 0:1] + ox[None]
        py = mn32[sel, 1:2] + oy[None]
        cx = px.astype(np.float32) + np.float32(0.5)
        cy = py.astype(np.float32) + np.float32(0.5)
        a, b, c = p0[sel], p1[sel], p2[sel]
        ar = area[sel][:, None]
        w0 = ((b[:, 0:1] - cx) * (c[:, 1:2] - cy) - (b[:, 1:2] - cy) * (c[:, 0:1] - cx)) / ar
        w1 = ((c[:, 0:1] - cx) * (a[:, 1:2] - cy) - (c[:, 1:2] - cy) * (a[:, 0:1] - cx)) / ar
        w2 = 1.0 - w0 - w1
        ins = (w0 >= -1e-4) & (w1 >= -1e-4) & (w2 >= -1e-4) & (px < width) & (py < height)
        ti, ki = np.nonzero(ins)
        if len(ti) == 0:
            continue
        W = np.stack([w0[ti, ki], w1[ti, ki], w2[ti, ki]], axis=1)
        t = sel[ti]
        frag_pix.append(py[ti, ki].astype(np.int64) * width + px[ti, ki])
        frag_z.append((W * z[F[t]]).sum(axis=1))
        frag_tri.append(t)
        frag_w.append(W)
    if not frag_pix:
        empty = np.zeros((height, width), bool)
        return img.reshape(height, width, 3), empty, zbuf.reshape(height, width)
    pix = np.concatenate(frag_pix)
    fz = np.concatenate(frag_z).astype(np.float32)
    ft = np.concatenate(frag_tri)
    fw = np.concatenate(frag_w).astype(np.float32)
    np.minimum.at(zbuf, pix, fz)
    win = fz <= zbuf[pix]
    pix, ft, fw = pix[win], ft[win], fw[win]
    vc = col[F[ft]]  # (n, 3 verts, 3 rgb)
    img[pix] = np.einsum("nk,nkc->nc", fw, vc)
    mask = np.isfinite(zbuf)
    return img.reshape(height, width, 3), mask.reshape(height, width), zbuf.reshape(height, width)
