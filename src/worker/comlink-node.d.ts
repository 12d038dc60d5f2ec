// Types for comlink's Node adapter, which ships node-adapter.d.ts beside an .mjs file.
declare module 'comlink/dist/esm/node-adapter.mjs' {
  import nodeEndpoint from 'comlink/dist/esm/node-adapter';
  export default nodeEndpoint;
}
