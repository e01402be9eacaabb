import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Plugin } from "vite";
import { defineConfig } from "vitest/config";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** What every page has in its HTML (partials/), put where a page says <!-- partial: name -->. */
const partials = (): Plugin => ({
  name: "heartrule-partials",
  transformIndexHtml: (html) => html.replace(/ *<!-- partial: ([a-z-]+) -->\n/g, (_, name: string) => readFileSync(here(`partials/${name}.html`), "utf8")),
});

// One build of several pages; each HTML file is an entry, and what they share is split into common chunks.
// The client SDK is compiled from its source (clients/typescript/src), so a fresh clone needs nothing but `npm ci` here.
export default defineConfig({
  plugins: [partials()],
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
        studio: here("studio.html"),
      },
      output: {
        // What the pages share (the SDK, sign-in, connection, words) in one chunk of its own name.
        manualChunks: (id) => (id.includes("/clients/typescript/") || id.includes("/src/shared/") ? "shared" : undefined),
      },
    },
  },
  test: {
    include: ["test/**/*.test.ts"],
  },
});
