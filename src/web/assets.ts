// The page and its assets, embedded: imported as text, so `bun build --compile` puts them in the
// binary and the dashboard works offline (no CDN). The page's script is TypeScript
// (page/client.ts, type-checked with the rest) turned into JavaScript once, at start-up, by Bun's
// transpiler; uPlot is the npm package's own minified build.

import uplotCss from "uplot/dist/uPlot.min.css" with { type: "text" };
import uplotJs from "uplot/dist/uPlot.iife.min.js" with { type: "text" };
// @ts-expect-error TypeScript types this import as the module; with { type: "text" } Bun gives its source text.
import clientSource from "./page/client.ts" with { type: "text" };
import styleCss from "./page/style.css" with { type: "text" };

export interface Asset {
  body: string;
  type: string;
  etag: string;
}

const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><path d="M32 3 L52 12 L59 61 L5 61 L12 12 Z" fill="#f3d69b" stroke="#6b4a1b" stroke-width="3"/><text x="32" y="48" font-size="30" text-anchor="middle" fill="#222" font-family="serif">桂</text></svg>`;

const INDEX = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>keisei dashboard</title>
<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/uPlot.min.css">
<link rel="stylesheet" href="/assets/app.css">
<script src="/assets/uPlot.iife.min.js"></script>
<script type="module" src="/assets/app.js"></script>
</head>
<body>
<header class="top">
  <div class="brand"><span class="mark">桂</span> keisei <span class="muted">dashboard</span></div>
  <nav class="tabs">
    <a href="#tab=charts" data-tab="charts">Charts</a>
    <a href="#tab=runs" data-tab="runs">Runs</a>
    <a href="#tab=games" data-tab="games">Games</a>
    <a href="#tab=sweeps" data-tab="sweeps">Sweeps</a>
  </nav>
  <div class="logdir muted" id="logdir"></div>
  <div class="conn" id="conn" data-state="connecting">connecting</div>
</header>
<div class="layout">
  <aside class="sidebar" id="sidebar"></aside>
  <main id="main">
    <section class="tab" id="tab-charts"></section>
    <section class="tab" id="tab-runs"></section>
    <section class="tab" id="tab-games"></section>
    <section class="tab" id="tab-sweeps"></section>
  </main>
</div>
</body>
</html>
`;

function etag(body: string): string {
  return `"${Bun.hash(body).toString(36)}"`;
}

function asset(body: string, type: string): Asset {
  return { body, type, etag: etag(body) };
}

let built: Map<string, Asset> | null = null;

/** Every asset by its URL path, built once. */
export function assets(): Map<string, Asset> {
  if (built) return built;
  const js = new Bun.Transpiler({ loader: "ts", target: "browser" }).transformSync(clientSource as string);
  built = new Map([
    ["/", asset(INDEX, "text/html; charset=utf-8")],
    ["/assets/app.js", asset(js, "text/javascript; charset=utf-8")],
    ["/assets/app.css", asset(styleCss, "text/css; charset=utf-8")],
    ["/assets/uPlot.iife.min.js", asset(uplotJs, "text/javascript; charset=utf-8")],
    ["/assets/uPlot.min.css", asset(uplotCss, "text/css; charset=utf-8")],
    ["/assets/favicon.svg", asset(FAVICON, "image/svg+xml")],
  ]);
  return built;
}
