/** Messages between the engine (main thread) and its worker threads. Plain data only. */
export interface FaceObs {
  score: number;
  /** face box normalised to 0..1: [x, y, w, h] */
  box: [number, number, number, number];
  ear: number;
  mar: number;
  yaw: number;
  /** landmark signature, see metrics.landmarkSignature */
  sig: number[];
  /** mean luma (0..255) inside the face box */
  luma: number;
}
export interface FrameObs {
  /** global frame index */
  i: number;
  /** faces found on this frame; `detector` tells whether the face detector ran (else tracked boxes) */
  faces: number;
  detector: boolean;
  /** mean luma (0..255) of the whole frame */
  frameLuma: number;
  /** model time spent on this frame in the worker */
  ms: number;
  /** the iris model refined the eye contours (frames where blinks are judged); EAR is comparable only among these */
  eyes: boolean;
  /** the largest face */
  face?: FaceObs;
  /** only on descriptor frames */
  embedding?: number[];
  real?: number;
  live?: number;
}
export type WorkerRequest =
  /** `indices[k]` is the clip frame index of the k-th RGB24 frame in `buf`; `eyes`: the frames that get the iris model */
  | { id: number; type: 'frames'; width: number; height: number; indices: number[]; buf: ArrayBuffer; describe: number[]; eyes: number[]; detectEvery: number }
  | { id: number; type: 'image'; width: number; height: number; buf: ArrayBuffer };
export type WorkerResponse =
  | { id: number; ok: true; frames: FrameObs[] }
  | { id: number; ok: false; error: string }
  | { id: -1; ok: true; ready: true }
  | { id: -1; ok: false; error: string };
