/** What is wrong with a configured model. */
export type ModelProblem =
  | "missing" // no file at the path
  | "unreadable" // the file exists but cannot be read (permissions, a directory)
  | "corrupt" // onnxruntime cannot parse or initialise it
  | "shape" // the inputs or outputs are not those of a YOLOv8/YOLO11 detection export
  | "labels"; // the labels file is missing or unreadable, or disagrees with the model

/**
 * A model or labels file that cannot be used. `path` names the file
 * ("<memory>" for bytes), `problem` says what kind of failure, and `cause`
 * carries the underlying error when there is one.
 */
export class ModelError extends Error {
  override name = "ModelError";
  readonly path: string;
  readonly problem: ModelProblem;

  constructor(path: string, problem: ModelProblem, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.path = path;
    this.problem = problem;
  }
}
