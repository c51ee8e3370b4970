// Preloaded (NODE_OPTIONS=--require) into a plugin process by tests/unit/plugin.test.ts: appends to
// $SERVICEMESH_PROBE_FILE every ts-node load and every TypeScript source the process reads or loads. Inferring the
// schema (the SDK's analyzer builds a program of the package's sources) and compiling with ts-node both read them.
const fs = require("fs");
const Module = require("module");
const file = process.env.SERVICEMESH_PROBE_FILE;
const appendFileSync = fs.appendFileSync;
const note = (what) => appendFileSync(file, what + "\n");
const isSource = (p) => typeof p === "string" && /\.[cm]?ts$/.test(p) && !p.endsWith(".d.ts");

const load = Module._load;
Module._load = function (request) {
    if (/^ts-node(\/|$)/.test(request)) note(`require ${request}`);
    return load.apply(this, arguments);
};
const moduleLoad = Module.prototype.load;
Module.prototype.load = function (filename) {
    if (isSource(filename)) note(`load ${filename}`);
    return moduleLoad.apply(this, arguments);
};
const readFileSync = fs.readFileSync;
fs.readFileSync = function (p) {
    if (isSource(p)) note(`read ${p}`);
    return readFileSync.apply(this, arguments);
};
