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
  /** sharpness: mean absolute 4-neighbour Laplacian of the luma inside the face box (0..~100; blur lowers it), see worker.faceSharpness */
  sharp?: number;
  /**
   * eye corners normalised to 0..1, [outer x, outer y, inner x, inner y] of the subject's right eye (points 33/133)
   * then the left (263/362); only on iris-refined frames (`eyes`), for drawing the glasses of the evaluation's test clips (bff/test/helpers/glasses.ts)
   */
  eyeCorners?: number[];
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
  | { id: number; type: 'image'; width: number; height: number; buf: ArrayBuffer }
  /** descriptor only (full mode on a grey copy) for frame `i`, one RGB24 frame in `buf`: the quality-chosen descriptor frames (analyse.ts) */
  | { id: number; type: 'describe'; width: number; height: number; i: number; buf: ArrayBuffer };
export type WorkerResponse =
  | { id: number; ok: true; frames: FrameObs[] }
  | { id: number; ok: false; error: string }
  | { id: -1; ok: true; ready: true }
  | { id: -1; ok: false; error: string };
