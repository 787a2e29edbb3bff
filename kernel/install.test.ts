import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { OptionError } from "../src/core/errors.js";
import { parseConnection } from "./connection.js";
import { install, kernelspecDir, uninstall } from "./install.js";

describe("kernelspec install", () => {
  it("finds the data dir as jupyter_core does", () => {
    expect(kernelspecDir({ user: true }, { JUPYTER_DATA_DIR: "/d" })).toBe(path.join("/d", "kernels", "compactor"));
    expect(kernelspecDir({ prefix: "/p", name: "ts2" })).toBe(path.join("/p", "share", "jupyter", "kernels", "ts2"));
    if (process.platform === "linux") expect(kernelspecDir({}, { XDG_DATA_HOME: "/x" })).toBe("/x/jupyter/kernels/compactor");
  });

  it("lists every wrong option at once", () => {
    expect(() => kernelspecDir({ user: true, prefix: "/p", name: "bad name" })).toThrow(OptionError);
    expect(() => kernelspecDir({ user: true, prefix: "/p", name: "bad name" })).toThrow(/--user, --prefix.*"bad name"/s);
  });

  it("writes kernel.json and logos, and uninstall removes them", () => {
    const prefix = mkdtempSync(path.join(os.tmpdir(), "kernelspec-"));
    try {
      const dir = install({ prefix });
      const spec = JSON.parse(readFileSync(path.join(dir, "kernel.json"), "utf8"));
      expect(spec).toMatchObject({ display_name: "TypeScript (compactor)", language: "typescript", interrupt_mode: "message" });
      expect(spec.argv.slice(2)).toEqual(["kernel", "--connection-file", "{connection_file}"]);
      expect(readFileSync(path.join(dir, "logo-32x32.png")).subarray(1, 4).toString()).toBe("PNG");
      // What url-mode figures load from <base>/kernelspecs/compactor/plotly.min.js.
      expect(spec.env).toEqual({ COMPACTOR_KERNEL_NAME: "compactor" });
      expect(readFileSync(path.join(dir, "plotly.min.js"), "utf8")).toContain("window.Plotly = Plotly");
      uninstall({ prefix });
      expect(existsSync(dir)).toBe(false);
      expect(() => uninstall({ prefix })).toThrow(/no kernelspec at/);
    } finally {
      rmSync(prefix, { recursive: true, force: true });
    }
  });
});

describe("connection file", () => {
  it("builds endpoints and reports every problem with the file's name", () => {
    const ok = parseConnection({ ip: "127.0.0.1", transport: "tcp", key: "k", signature_scheme: "hmac-sha256", shell_port: 1, control_port: 2, iopub_port: 3, stdin_port: 4, hb_port: 5 }, "c.json");
    expect(ok.endpoints.iopub).toBe("tcp://127.0.0.1:3");
    expect(() => parseConnection({ ip: "", signature_scheme: "hmac-md5", shell_port: "x" }, "c.json")).toThrow(
      /c\.json is invalid:[\s\S]*"ip"[\s\S]*"signature_scheme"[\s\S]*"shell_port"[\s\S]*"hb_port"/,
    );
  });
});
