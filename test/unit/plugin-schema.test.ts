// provider/plugin/schema.json is the source of truth of both faces' arguments and outputs: the SDKs are
// generated from it, and the dynamic face's TypeScript types are written by hand. This test reads both
// (the types through the TypeScript compiler) and fails on any property, type or optionality that differs.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";

const ROOT = path.join(__dirname, "../../..");
const schema = JSON.parse(fs.readFileSync(path.join(ROOT, "provider/plugin/schema.json"), "utf8")) as Schema;
const PKG = "azure-gallery-lookup";

interface SchemaProperty {
  type?: string;
  $ref?: string;
  items?: SchemaProperty;
  additionalProperties?: SchemaProperty;
  description?: string;
  secret?: boolean;
}
interface SchemaObject {
  properties: Record<string, SchemaProperty>;
  required?: string[];
  description?: string;
}
interface Schema {
  name: string;
  version: string;
  pluginDownloadURL: string;
  language: Record<string, Record<string, unknown>>;
  config: { variables: Record<string, SchemaProperty> };
  provider: { inputProperties: Record<string, SchemaProperty> };
  types: Record<string, SchemaObject>;
  resources: Record<
    string,
    SchemaObject & { inputProperties: Record<string, SchemaProperty>; requiredInputs: string[] }
  >;
  functions: Record<string, { inputs: SchemaObject; outputs: SchemaObject; description?: string }>;
}

/** A type in one comparable spelling: `string`, `array<string>`, `map<string>`, `{a?:string,b:boolean}`. */
function fromSchema(p: SchemaProperty): string {
  if (p.$ref) {
    const type = schema.types[p.$ref.replace("#/types/", "")];
    assert.ok(type, `schema type ${p.$ref} is defined`);
    return objectOf(type.properties, type.required ?? []);
  }
  if (p.type === "array") return `array<${fromSchema(p.items!)}>`;
  if (p.type === "object" && p.additionalProperties) return `map<${fromSchema(p.additionalProperties)}>`;
  return p.type ?? "?";
}
function objectOf(properties: Record<string, SchemaProperty>, required: string[]): string {
  const fields = Object.keys(properties)
    .sort()
    .map((k) => `${k}${required.includes(k) ? "" : "?"}:${fromSchema(properties[k])}`);
  return `{${fields.join(",")}}`;
}

const program = ts.createProgram(
  [path.join(ROOT, "provider/types/lookup.ts"), path.join(ROOT, "provider/lookup/galleryLookup.ts")],
  {
    strict: true,
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    skipLibCheck: true,
  },
);
const checker = program.getTypeChecker();

function fromTs(type: ts.Type): string {
  const parts = type.isUnion() ? type.types.filter((t) => !(t.flags & ts.TypeFlags.Undefined)) : [type];
  if (parts.every((t) => t.flags & ts.TypeFlags.StringLike)) return "string";
  if (parts.every((t) => t.flags & ts.TypeFlags.BooleanLike)) return "boolean";
  if (parts.every((t) => t.flags & ts.TypeFlags.NumberLike)) return "number";
  assert.equal(parts.length, 1, `one type: ${checker.typeToString(type)}`);
  const only = parts[0];
  if (checker.isArrayType(only))
    return `array<${fromTs(checker.getTypeArguments(only as ts.TypeReference)[0])}>`;
  const index = only.getStringIndexType();
  if (index) return `map<${fromTs(index)}>`;
  return objectOfTs(only);
}
function objectOfTs(type: ts.Type): string {
  const fields = checker
    .getPropertiesOfType(type)
    .map((symbol) => {
      const optional = (symbol.flags & ts.SymbolFlags.Optional) !== 0;
      return `${symbol.name}${optional ? "?" : ""}:${fromTs(checker.getTypeOfSymbol(symbol))}`;
    })
    .sort((a, b) => a.split(/\??:/)[0].localeCompare(b.split(/\??:/)[0]));
  return `{${fields.join(",")}}`;
}

function exported(file: string, name: string): ts.Type {
  const source = program.getSourceFile(path.join(ROOT, file))!;
  const symbol = checker
    .getExportsOfModule(checker.getSymbolAtLocation(source)!)
    .find((s) => s.name === name);
  assert.ok(symbol, `${file} exports ${name}`);
  return checker.getDeclaredTypeOfSymbol(
    symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol,
  );
}

/** GalleryLookup's declared outputs: `declare readonly x: pulumi.Output<T>` read as `x: T` (optional when T admits undefined). */
function galleryLookupOutputs(): string {
  const source = program.getSourceFile(path.join(ROOT, "provider/lookup/galleryLookup.ts"))!;
  const cls = source.statements.find(
    (s): s is ts.ClassDeclaration => ts.isClassDeclaration(s) && s.name?.text === "GalleryLookup",
  );
  assert.ok(cls);
  const fields: string[] = [];
  for (const member of cls.members) {
    if (!ts.isPropertyDeclaration(member) || !member.type || !ts.isTypeReferenceNode(member.type)) continue;
    const inner = checker.getTypeFromTypeNode(member.type.typeArguments![0]);
    const optional = inner.isUnion() && inner.types.some((t) => t.flags & ts.TypeFlags.Undefined);
    fields.push(`${(member.name as ts.Identifier).text}${optional ? "?" : ""}:${fromTs(inner)}`);
  }
  return `{${fields.sort((a, b) => a.split(/\??:/)[0].localeCompare(b.split(/\??:/)[0])).join(",")}}`;
}

describe("provider/plugin/schema.json and the TypeScript types agree", () => {
  const resource = schema.resources[`${PKG}:index:GalleryLookup`];
  const fn = schema.functions[`${PKG}:index:getGallery`];

  it("GalleryLookup's arguments: the schema's inputProperties and GalleryLookupPlainArgs", () => {
    assert.equal(
      objectOf(resource.inputProperties, resource.requiredInputs),
      objectOfTs(exported("provider/types/lookup.ts", "GalleryLookupPlainArgs")),
    );
  });

  it("getGallery's arguments are GalleryLookup's", () => {
    assert.equal(
      objectOf(fn.inputs.properties, fn.inputs.required ?? []),
      objectOf(resource.inputProperties, resource.requiredInputs),
    );
  });

  it("GalleryLookup's outputs: the schema's properties and the class's declared outputs", () => {
    assert.equal(objectOf(resource.properties, resource.required ?? []), galleryLookupOutputs());
  });

  it("getGallery's outputs: the schema's and GalleryLookupResult", () => {
    assert.equal(
      objectOf(fn.outputs.properties, fn.outputs.required ?? []),
      objectOfTs(exported("provider/types/lookup.ts", "GalleryLookupResult")),
    );
  });

  it("the comparison can fail: a property renamed in a copy of the schema is seen", () => {
    const { galleryName, ...rest } = resource.inputProperties;
    assert.notEqual(
      objectOf({ ...rest, galleryNames: galleryName }, resource.requiredInputs),
      objectOfTs(exported("provider/types/lookup.ts", "GalleryLookupPlainArgs")),
    );
  });

  it("every property, type and function has a description (they become every SDK's docs)", () => {
    const missing: string[] = [];
    const all: [string, Record<string, SchemaProperty>][] = [
      ["config", schema.config.variables],
      ["resource inputs", resource.inputProperties],
      ["resource outputs", resource.properties],
      ["function inputs", fn.inputs.properties],
      ["function outputs", fn.outputs.properties],
      ...Object.entries(schema.types).map(([k, t]): [string, Record<string, SchemaProperty>] => [
        k,
        t.properties,
      ]),
    ];
    for (const [where, properties] of all) {
      for (const [key, p] of Object.entries(properties)) if (!p.description) missing.push(`${where}.${key}`);
    }
    for (const [k, t] of Object.entries(schema.types)) if (!t.description) missing.push(k);
    assert.deepEqual(missing, []);
  });

  it("config and provider arguments are the same keys: azure-native's sign-in keys, subscription and cloud; secrets marked", async () => {
    const { AZURE_NATIVE_SIGN_IN_SETTINGS, SECRET_SIGN_IN_KEYS } =
      await import("#internal/auth/signInChoice");
    const { CONFIG_KEYS } = await import("#internal/plugin/providerConfig");
    const keys = Object.keys(schema.config.variables).sort();
    assert.deepEqual(keys, [...CONFIG_KEYS].sort());
    assert.deepEqual(
      keys,
      ["environment", "subscriptionId", ...Object.keys(AZURE_NATIVE_SIGN_IN_SETTINGS)].sort(),
    );
    assert.deepEqual(schema.provider.inputProperties, schema.config.variables);
    const secret = keys.filter((k) => schema.config.variables[k].secret === true);
    assert.deepEqual(secret, [...SECRET_SIGN_IN_KEYS].sort());
  });

  it("names the package, its version, its tokens and where its release assets are", async () => {
    const { GALLERY_LOOKUP_TOKEN, GET_GALLERY_TOKEN } = await import("#internal/plugin/tokens");
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
      version: string;
    };
    assert.equal(schema.name, PKG);
    assert.equal(schema.version, manifest.version);
    assert.deepEqual(Object.keys(schema.resources), [GALLERY_LOOKUP_TOKEN]);
    assert.deepEqual(Object.keys(schema.functions), [GET_GALLERY_TOKEN]);
    assert.match(
      schema.pluginDownloadURL,
      /^https:\/\/github\.com\/.+\/releases\/download\/v\$\{VERSION\}\/$/,
    );
    for (const language of ["nodejs", "python", "go", "csharp"]) {
      assert.equal(
        schema.language[language]?.respectSchemaVersion,
        true,
        `${language}: respectSchemaVersion`,
      );
    }
    assert.ok(schema.language.java, "java is ready for its generator");
  });
});
