// WGSL files are imported as text (`with { type: "text" }`) and embedded by `bun build --compile`.
declare module "*.wgsl" {
  const source: string;
  export default source;
}
