/**
 * Geometry on @vladmandic/human facemesh landmarks (MediaPipe 468-point topology; with the iris
 * model enabled human refines the eye contours and appends 10 iris points → 478).
 * Pure functions, no tfjs: used inside the worker and in unit tests.
 */
export type Pt = [number, number, number?] | number[];

const d = (a: Pt, b: Pt) => Math.hypot(a[0] - b[0], a[1] - b[1]);

// MediaPipe face-mesh indices (canonical topology)
// right eye (subject's right, image left): corners 33 / 133; upper lid 160,159,158; lower lid 144,145,153
const R_EYE = { outer: 33, inner: 133, up: [160, 159, 158], low: [144, 145, 153] };
// left eye: corners 263 / 362; upper lid 387,386,385; lower lid 373,374,380
const L_EYE = { outer: 263, inner: 362, up: [387, 386, 385], low: [373, 374, 380] };
// mouth: inner-lip midpoints 13 (upper) / 14 (lower); outer corners 61 / 291
const MOUTH = { up: 13, low: 14, left: 61, right: 291 };
// for pose/motion: nose tip 1, cheeks at the silhouette 234 / 454, forehead 10, chin 152
const NOSE = 1, CHEEK_R = 234, CHEEK_L = 454;

/** eye aspect ratio: mean lid gap over eye width (Soukupová & Čech 2016, adapted to facemesh) */
function ear(mesh: Pt[], e: typeof R_EYE): number {
  const w = d(mesh[e.outer], mesh[e.inner]);
  if (w <= 0) return 0;
  let gap = 0;
  for (let i = 0; i < e.up.length; i++) gap += d(mesh[e.up[i]], mesh[e.low[i]]);
  return gap / e.up.length / w;
}

export interface FaceGeometry {
  /** mean of both eyes' aspect ratios */
  ear: number;
  earL: number;
  earR: number;
  /** inner-lip gap over mouth width */
  mar: number;
  /** horizontal nose position between the cheeks, -1..1 (0 = frontal); sign = direction */
  yaw: number;
  /** inter-ocular distance in pixels (face scale) */
  iod: number;
}

export function faceGeometry(mesh: Pt[]): FaceGeometry | null {
  if (!mesh || mesh.length < 468) return null;
  const earR = ear(mesh, R_EYE);
  const earL = ear(mesh, L_EYE);
  const mw = d(mesh[MOUTH.left], mesh[MOUTH.right]);
  const mar = mw > 0 ? d(mesh[MOUTH.up], mesh[MOUTH.low]) / mw : 0;
  const cr = mesh[CHEEK_R], cl = mesh[CHEEK_L], n = mesh[NOSE];
  const span = cl[0] - cr[0];
  const yaw = span !== 0 ? ((n[0] - cr[0]) / span) * 2 - 1 : 0;
  const iod = d(mesh[R_EYE.outer], mesh[L_EYE.outer]);
  return { ear: (earL + earR) / 2, earL, earR, mar, yaw, iod };
}

/**
 * A compact, scale-normalised landmark signature used for "static image" detection:
 * a subset of points (eyes, brows, lips, nose, jaw) relative to the nose tip, divided by the
 * inter-ocular distance. Frame-to-frame differences of these are "non-rigid + rigid motion".
 */
const SIG = [33, 133, 159, 145, 263, 362, 386, 374, 70, 105, 300, 334, 13, 14, 61, 291, 0, 17, 152, 234, 454, 10, 1];
export function landmarkSignature(mesh: Pt[]): number[] {
  const n = mesh[NOSE];
  const s = d(mesh[R_EYE.outer], mesh[L_EYE.outer]) || 1;
  const out: number[] = [];
  for (const i of SIG) out.push((mesh[i][0] - n[0]) / s, (mesh[i][1] - n[1]) / s);
  return out;
}
