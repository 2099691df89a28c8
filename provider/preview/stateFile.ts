// The in-memory engine's state, kept in a JSON file between runs, so that `gallery-lookup up` then
// `gallery-lookup preview` compares against what the update recorded, as a Pulumi backend would.
import * as fs from "fs";
import * as path from "path";
import type { ResourceState } from "./localEngine";

const VERSION = 1;

interface StateDocument {
  version: number;
  project: string;
  stack: string;
  resources: ResourceState[];
}

/** Reads the state of `project`/`stack` from `file`; a missing file is a new stack. */
export function readState(file: string, project: string, stack: string): ResourceState[] | undefined {
  if (!fs.existsSync(file)) return undefined;
  let doc: Partial<StateDocument>;
  try {
    doc = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<StateDocument>;
  } catch (err) {
    throw new Error(`state file ${file} is not valid JSON: ${(err as Error).message}`);
  }
  if (doc.version !== VERSION || !Array.isArray(doc.resources)) {
    throw new Error(`state file ${file} is not a gallery-lookup state (version ${VERSION})`);
  }
  if (doc.project !== project || doc.stack !== stack) {
    throw new Error(
      `state file ${file} belongs to ${doc.project}/${doc.stack}, not ${project}/${stack}: give another --state`,
    );
  }
  return doc.resources;
}

/** Writes the state atomically (a partly written file would lose the stack). */
export function writeState(file: string, project: string, stack: string, resources: ResourceState[]): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const doc: StateDocument = { version: VERSION, project, stack, resources };
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, `${JSON.stringify(doc, null, 2)}\n`);
  fs.renameSync(temporary, file);
}

/** Where the state of a stack is kept when no `--state` is given: `.gallery-lookup/<stack>.state.json` in the project. */
export function defaultStateFile(rootDirectory: string, stack: string): string {
  return path.join(rootDirectory, ".gallery-lookup", `${stack}.state.json`);
}
