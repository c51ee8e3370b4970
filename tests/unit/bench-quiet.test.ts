// The bench's quiet check (bench/cpu.ts): CPU used by processes outside the bench counts against a figure, the bench's
// own work (its child processes included) does not. Linux only, like the bench.
import { execFileSync, spawn } from "child_process";
import * as os from "os";
import { expect } from "chai";
import { watchCpu } from "../../bench/cpu";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const BUSY = "const end = Date.now() + 1500; while (Date.now() < end) {}";
// Other work may run on the machine during the test: only the test's own busy process is judged, found by a token in
// its command line.
const token = (name: string) => `servicemesh-bench-quiet-${name}-${process.pid}`;
const cpuOf = (use: { foreignProcesses: { cmd: string; cpuS: number }[] }, t: string) => use.foreignProcesses.filter((p) => p.cmd.includes(t)).reduce((a, p) => a + p.cpuS, 0);

describe("bench quiet check (CPU of other processes, from /proc)", () => {
    it("counts a process outside the bench's tree as foreign", async () => {
        const t = token("outside");
        const w = watchCpu([]);
        // A grandchild whose parent exits at once is reparented to init: not the bench's any more.
        execFileSync("sh", ["-c", `"${process.execPath}" -e '${BUSY}' ${t} >/dev/null 2>&1 &`]);
        await sleep(1800);
        const use = w.stop();
        expect(cpuOf(use, t), JSON.stringify(use)).to.be.greaterThan(0.3);
        // ...and it is part of the foreign share of the machine.
        expect(use.foreign * use.wallS * os.cpus().length).to.be.at.least(cpuOf(use, t) * 0.99);
    });

    it("does not count the bench's own child processes", async () => {
        const t = token("child");
        const w = watchCpu([]);
        const child = spawn(process.execPath, ["-e", BUSY, t], { stdio: "ignore" });
        await new Promise((r) => child.on("exit", r));
        const use = w.stop();
        expect(use.busy, JSON.stringify(use)).to.be.greaterThan(0);
        expect(cpuOf(use, t), JSON.stringify(use)).to.equal(0);
    });

    it("counts detached processes named by a marker as the bench's own", async () => {
        const marker = token("marked");
        const w = watchCpu([marker]);
        execFileSync("sh", ["-c", `"${process.execPath}" -e '${BUSY}' ${marker} >/dev/null 2>&1 &`]);
        await sleep(1800);
        const use = w.stop();
        expect(cpuOf(use, marker), JSON.stringify(use)).to.equal(0);
    });
});
