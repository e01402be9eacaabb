import { defineConfig } from "vitest/config";

// Against the real gateways, which the C# integration test TypeScriptSdkTests starts and names in the environment.
export default defineConfig({
  test: {
    include: ["test/system/**/*.system.ts"],
    testTimeout: 60_000,
    // One conversation at a time, as the C# side reads them.
    fileParallelism: false,
  },
});
