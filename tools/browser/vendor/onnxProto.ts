/**
 * Entry point of the page's copy of onnx-proto (protobufjs's generated ONNX messages). onnx-proto is a
 * CommonJS package, which a browser cannot import: `npm run build:page-vendor` bundles this file with
 * rolldown into dist/browser/vendor/onnx-proto.js, and the harness page's import map resolves
 * 'onnx-proto' to it. tools/onnx/model.ts then runs in the page as it does in Node, so an ONNX Runtime
 * page adapter builds its one-node models without a round trip to the page server.
 */
export { onnx } from 'onnx-proto';
