// Files the dashboard imports as text (`with { type: "text" }`), so the compiled binary embeds them.
declare module "*.css" {
  const text: string;
  export default text;
}
declare module "uplot/dist/uPlot.iife.min.js" {
  const text: string;
  export default text;
}
