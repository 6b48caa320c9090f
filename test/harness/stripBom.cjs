// CommonJS stand-in for strip-bom 5, which is ESM-only and which Jest (CommonJS) cannot load.
// @microsoft/app-manifest requires it; jest.config.js maps 'strip-bom' here. Same behaviour.
function stripBom(string) {
  if (typeof string !== 'string') throw new TypeError(`Expected a string, got ${typeof string}`);
  return string.charCodeAt(0) === 0xfeff ? string.slice(1) : string;
}
module.exports = stripBom;
module.exports.default = stripBom;
