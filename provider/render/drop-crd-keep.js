#!/usr/bin/env node
// Helm post-renderer for removeCrdsOnDelete: Istio's base chart marks its CRDs `helm.sh/resource-policy: keep`, so
// `helm uninstall` leaves them. This drops that one annotation line from CustomResourceDefinitions and passes every
// other line through unchanged (Helm re-parses the stream; no YAML library is needed for one annotation).
"use strict";
let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
    const docs = input.split(/^---\s*$/m).map((doc) =>
        /^kind:\s*CustomResourceDefinition\s*$/m.test(doc)
            ? doc.replace(/^\s+["']?helm\.sh\/resource-policy["']?:\s*["']?keep["']?\s*\n/m, "")
            : doc,
    );
    process.stdout.write(docs.join("---\n"));
});
