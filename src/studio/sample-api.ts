// The studio server's sampling API as both sides see it: the server (run-sampler.ts) answers
// it and the run viewer (studio/runviewer.ts) reads it. Types only, so the browser bundle
// can import it without the server's Node modules.

/** What a run's generator is conditioned on, for the viewer's controls. */
export interface RunCondition {
  kind: 'none' | 'classes' | 'tags';
  /** Classes of a class run. */
  classes?: number;
  /** Tag names of a tag run, in the order its generator takes them. */
  tags?: string[];
}

/** Samples as the viewer draws them. */
export interface SampleAnswer {
  step: number;
  kind: string;
  /** [n, h, w, c] for images, [n, 2] for points. */
  shape: number[];
  /** Images: the pixels as bytes (round(255·v), v in [0, 1]), base64. */
  pixels?: string;
  /** Points: the coordinates, row-major. */
  points?: number[];
  /** Text runs: the generated sequences, decoded (what `gankit sample --out FILE.txt` writes). */
  words?: string[];
  /** The tags every sample carries (as the run names them); empty: the data's own tag sets. */
  tags: string[];
  /** Tag runs: how many of the data's tag sets carry every asked tag (0: none, so G gets exactly those). */
  matching: number | null;
  seed: number;
}
