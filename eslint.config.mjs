// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", "build/", ".cache/", "sdk/", "**/*.js", "**/*.mjs"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        project: ["./tsconfig.json", "./tsconfig.test.json", "./examples/role-assignment/tsconfig.json"],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // The dynamic provider must load its implementation lazily with require(): see provider/lookup/provider.ts.
      "@typescript-eslint/no-require-imports": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // Interfaces we implement (Pulumi's ResourceProvider, TokenCredential, injected sleeps) are async by
      // contract even where one implementation has nothing to await.
      "@typescript-eslint/require-await": "off",
      eqeqeq: ["error", "smart"],
      "no-console": "off",
    },
  },
  {
    // Pulumi's generated gRPC classes (@pulumi/pulumi/proto) carry no types, so every value read from them is
    // `any`: the offline engine and host client check shapes at run time instead. Tests and benchmarks
    // poke at raw JSON, child-process output and those same classes.
    files: ["provider/preview/**", "test/**", "bench/**"],
    rules: {
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-return": "off",
    },
  },
  {
    // Tests hand methods to assertion helpers and stubs on purpose.
    files: ["test/**"],
    rules: { "@typescript-eslint/unbound-method": "off" },
  },
);
