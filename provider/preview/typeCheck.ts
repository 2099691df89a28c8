// The type check `pulumi preview` makes before it runs a TypeScript program (Pulumi's runtime runs ts-node
// with type checking unless told otherwise): done here once, with the TypeScript the runtime would use, so that
// an offline run is not green where the Pulumi CLI would be red. The runtime itself then only transpiles.
import * as fs from "fs";
import * as path from "path";

/** Options of {@link typeCheckProgram}. */
export interface TypeCheckOptions {
  /** The program's working directory, where Pulumi looks for tsconfig.json. */
  programDir: string;
  /** The entry point as the runtime gets it (`.` for package.json's `main`, else `index.ts`). */
  entryPoint: string;
  /** The @pulumi/pulumi folder: its TypeScript, or the one it vendors, is the runtime's. */
  sdkDir: string;
  /**
   * A folder of packages by name (this package and @pulumi/pulumi) that the program may import without a
   * node_modules of its own, as the runtime finds them through NODE_PATH.
   */
  packageDir?: string;
}

type Ts = typeof import("typescript");

/** The TypeScript the runtime loads: the one the SDK resolves, else the SDK's vendored copy. */
function runtimeTypeScript(sdkDir: string): Ts {
  try {
    return require(require.resolve("typescript", { paths: [sdkDir] })) as Ts;
  } catch {
    return require(path.join(sdkDir, "vendor", "typescript@3.8.3", "typescript.js")) as Ts;
  }
}

/** The entry file the runtime would run. */
export function entryFile(programDir: string, entryPoint: string): string {
  let entry = entryPoint;
  if (entry === ".") {
    const pkg = path.join(programDir, "package.json");
    const main = fs.existsSync(pkg)
      ? (JSON.parse(fs.readFileSync(pkg, "utf8")) as { main?: unknown }).main
      : undefined;
    entry = typeof main === "string" ? main : "index.ts";
  }
  const full = path.resolve(programDir, entry);
  return fs.existsSync(full) || path.extname(full) ? full : `${full}.ts`;
}

/** `paths` for every package linked in `dir` (`name` and `@scope/name`), to its real folder. */
function linkedPackagePaths(dir: string): Record<string, string[]> {
  const paths: Record<string, string[]> = {};
  const names = fs
    .readdirSync(dir)
    .flatMap((n) => (n.startsWith("@") ? fs.readdirSync(path.join(dir, n)).map((m) => `${n}/${m}`) : [n]));
  for (const name of names) {
    const real = fs.realpathSync(path.join(dir, name));
    paths[name] = [real];
    paths[`${name}/*`] = [`${real}/*`];
  }
  return paths;
}

/**
 * Type-checks the program from its entry point, with its tsconfig.json (or the runtime's defaults without
 * one); returns the errors as `file(line,col): error TSnnnn: message`, none when it checks.
 */
export function typeCheckProgram(options: TypeCheckOptions): string[] {
  const ts = runtimeTypeScript(options.sdkDir);
  const configFile = path.join(options.programDir, "tsconfig.json");
  let compilerOptions: import("typescript").CompilerOptions = {
    target: ts.ScriptTarget.ES2020,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    esModuleInterop: true,
  };
  const errors: import("typescript").Diagnostic[] = [];
  if (fs.existsSync(configFile)) {
    const read = ts.readConfigFile(configFile, (f) => ts.sys.readFile(f));
    if (read.error) errors.push(read.error);
    const parsed = ts.parseJsonConfigFileContent(read.config ?? {}, ts.sys, options.programDir);
    compilerOptions = parsed.options;
  }
  // The runtime's NODE_PATH packages, for TypeScript, which does not read NODE_PATH; a project that maps its
  // own paths keeps them (and has a node_modules). Mapped to their real folders, so that their own imports
  // resolve from where they are installed.
  if (options.packageDir && !compilerOptions.paths) {
    compilerOptions = { ...compilerOptions, paths: linkedPackagePaths(options.packageDir) };
  }
  const program = ts.createProgram([entryFile(options.programDir, options.entryPoint)], {
    ...compilerOptions,
    noEmit: true,
  });
  // What ts-node reports, file by file as it compiles them: the program's own files, not the declarations of
  // its packages (which is also most of the time saved).
  errors.push(...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics());
  for (const file of program.getSourceFiles()) {
    if (file.isDeclarationFile || /[\\/]node_modules[\\/]/.test(file.fileName)) continue;
    errors.push(...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file));
  }
  return errors
    .filter((d) => d.category === ts.DiagnosticCategory.Error)
    .map((d) => {
      const text = ts.flattenDiagnosticMessageText(d.messageText, "\n");
      if (!d.file || d.start === undefined) return `error TS${d.code}: ${text}`;
      const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
      const file = path.relative(options.programDir, d.file.fileName) || d.file.fileName;
      return `${file}(${line + 1},${character + 1}): error TS${d.code}: ${text}`;
    });
}
