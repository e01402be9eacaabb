import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// One build of several pages; each HTML file is an entry, and what they share is split into common chunks.
// The client SDK is compiled from its source (clients/typescript/src), so a fresh clone needs nothing but `npm ci` here.
export default defineConfig({
  resolve: {
    alias: { "@heartrule/client": here("../clients/typescript/src/index.ts") },
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2020",
    modulePreload: { polyfill: false },
    rollupOptions: {
      input: {
        chat: here("index.html"),
        debugger: here("debugger.html"),
      },
      output: {
        // What the pages share (the SDK, sign-in, connection, words) in one chunk of its own name.
        manualChunks: (id) => (id.includes("/clients/typescript/") || id.includes("/src/shared/") ? "shared" : undefined),
      },
    },
  },
  server: {
    fs: { allow: [here(".."), here("../clients/typescript")] },
  },
  test: {
    include: ["test/**/*.test.ts"],
  },
});
