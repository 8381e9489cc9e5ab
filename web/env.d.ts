// The two modules cli/build.mjs makes for the page: the examples (bundled, so
// the page fetches nothing) and the worker's code (run from a Blob).
declare module 'gorun:examples' {
  const examples: { name: string; source: string }[];
  export default examples;
}
declare module 'gorun:worker' {
  const source: string;
  export default source;
}
