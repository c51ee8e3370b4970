// The bench's quiet check (bench/cpu.ts): CPU used by processes outside the bench counts against a figure, the bench's
// own work (its child processes included) does not. Linux only, like the bench.
import { execFileSync, spawn } from "child_process";
import { expect } from "chai";
import { watchCpu } from "../../bench/cpu";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const BUSY = "const end = Date.now() + 1500; while (Date.now() < end) {}";

describe("bench quiet check (CPU of other processes, from /proc)", () => {
    it("counts a process outside the bench's tree as foreign", async () => {
        const w = watchCpu([]);
        // A grandchild whose parent exits at once is reparented to init: not the bench's any more.
        execFileSync("sh", ["-c", `"${process.execPath}" -e '${BUSY}' >/dev/null 2>&1 &`]);
        await sleep(1800);
        const use = w.stop();
        expect(use.foreign, JSON.stringify(use)).to.be.greaterThan(0.2);
        expect(use.topForeign).to.include("node");
    });

    it("does not count the bench's own child processes", async () => {
        const w = watchCpu([]);
        const child = spawn(process.execPath, ["-e", BUSY], { stdio: "ignore" });
        await new Promise((r) => child.on("exit", r));
        const use = w.stop();
        expect(use.busy, JSON.stringify(use)).to.be.greaterThan(0.2);
        expect(use.foreign, JSON.stringify(use)).to.be.lessThan(0.1);
    });

    it("counts detached processes named by a marker as the bench's own", async () => {
        const marker = `servicemesh-bench-marker-${process.pid}`;
        const w = watchCpu([marker]);
        execFileSync("sh", ["-c", `"${process.execPath}" -e '${BUSY}' ${marker} >/dev/null 2>&1 &`]);
        await sleep(1800);
        const use = w.stop();
        expect(use.foreign, JSON.stringify(use)).to.be.lessThan(0.1);
    });
});
