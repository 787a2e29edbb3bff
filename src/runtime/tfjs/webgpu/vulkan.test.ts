// The Vulkan lookup on made-up file trees: each cause of "no GPU adapter" on
// an NVIDIA machine is named (no loader, a compute-only driver without its
// Vulkan ICD, a container without the graphics capability or without the GPU's /dev nodes, an ICD whose
// library is missing), and a complete install reports nothing.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { diagnoseVulkan, vulkanCauses, vulkanProblems } from "./vulkan.js";

const LIB = "/usr/lib/x86_64-linux-gnu";

/** A root folder holding `files` (path → content). */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "vulkan-"));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

const icd = (library: string) => JSON.stringify({ file_format_version: "1.0.0", ICD: { library_path: library, api_version: "1.3.0" } });
const NVIDIA_PROC = { "/proc/driver/nvidia/version": "NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.54.15\nGCC version: 12\n" };
/** The driver loaded and the GPU's device nodes present, as on a host or a container given the GPU. */
const NVIDIA = { ...NVIDIA_PROC, "/dev/nvidia0": "", "/dev/nvidiactl": "", "/dev/nvidia-uvm": "" };
const LOADER = { [`${LIB}/libvulkan.so.1`]: "" };
const env = { HOME: "/root" };

function diagnose(files: Record<string, string>, extraEnv: Record<string, string> = {}) {
  return diagnoseVulkan({ root: tree(files), env: { ...env, ...extraEnv }, platform: "linux", arch: "x64" });
}

describe("diagnoseVulkan and vulkanProblems", () => {
  it("names the missing loader and the missing NVIDIA driver on a bare machine", () => {
    const d = diagnose({});
    expect(d.libvulkan).toBeUndefined();
    expect(d.icds).toEqual([]);
    const problems = vulkanProblems(d);
    expect(problems[0]).toMatch(/libvulkan\.so\.1 \(the Vulkan loader\) is not installed: install libvulkan1/);
    expect(problems[1]).toMatch(/no NVIDIA kernel driver is loaded .*no Vulkan ICD manifests in .*\/usr\/share\/vulkan\/icd\.d/);
  });

  it("names a compute-only NVIDIA install: driver loaded, no nvidia_icd.json", () => {
    const d = diagnose({ ...NVIDIA, ...LOADER, "/usr/share/vulkan/icd.d/lvp_icd.x86_64.json": icd("libvulkan_lvp.so") });
    expect(d.libvulkan).toBe(`${LIB}/libvulkan.so.1`);
    expect(d.nvidiaDriver).toMatch(/550\.54\.15/);
    expect(d.icds.map((i) => i.kind)).toEqual(["software"]);
    const problems = vulkanProblems(d);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/NVIDIA driver is loaded \(NVRM version.*\) but its Vulkan ICD \(nvidia_icd\.json\) is in none of/);
    expect(problems[0]).toMatch(/nvidia-vulkan-icd/);
  });

  it("says when NVIDIA's container runtime left the graphics capability out", () => {
    const d = diagnose({ ...NVIDIA, ...LOADER }, { NVIDIA_DRIVER_CAPABILITIES: "compute,utility" });
    expect(vulkanProblems(d)[0]).toMatch(/NVIDIA_DRIVER_CAPABILITIES=compute,utility lacks "graphics"/);
    const all = diagnose({ ...NVIDIA, ...LOADER }, { NVIDIA_DRIVER_CAPABILITIES: "all" });
    expect(vulkanProblems(all)[0]).not.toMatch(/NVIDIA_DRIVER_CAPABILITIES/);
  });

  it("names a container started without the GPU: the driver in /proc, no /dev/nvidia* nodes", () => {
    const d = diagnose({ ...NVIDIA_PROC, ...LOADER, "/dev/null": "", "/usr/share/vulkan/icd.d/nvidia_icd.json": icd("/usr/lib/libGLX_nvidia.so.0"), "/usr/lib/libGLX_nvidia.so.0": "" });
    expect(d.nvidiaDevices).toEqual([]);
    expect(vulkanProblems(d)).toEqual([expect.stringMatching(/driver is loaded .* but there are no \/dev\/nvidia\* device nodes .*started without the GPU.*--gpus all/)]);
    const onlyControl = diagnose({ ...NVIDIA_PROC, ...LOADER, "/dev/nvidiactl": "", "/usr/share/vulkan/icd.d/nvidia_icd.json": icd("/usr/lib/libGLX_nvidia.so.0"), "/usr/lib/libGLX_nvidia.so.0": "" });
    expect(onlyControl.nvidiaDevices).toEqual(["nvidiactl"]);
    expect(vulkanProblems(onlyControl)[0]).toMatch(/only \/dev\/nvidiactl/);
  });

  it("names an NVIDIA ICD whose library is missing", () => {
    const d = diagnose({ ...NVIDIA, ...LOADER, "/etc/vulkan/icd.d/nvidia_icd.json": icd("libGLX_nvidia.so.0") });
    expect(d.icds[0]).toMatchObject({ kind: "nvidia", library: "libGLX_nvidia.so.0", problem: "its library libGLX_nvidia.so.0 was not found" });
    expect(vulkanProblems(d)).toEqual([expect.stringMatching(/nvidia_icd\.json is unusable: its library libGLX_nvidia\.so\.0 was not found/)]);
  });

  it("reports nothing for a complete NVIDIA install, finding libraries through ld.so.conf", () => {
    const d = diagnose({
      ...NVIDIA,
      "/etc/ld.so.conf": "include /etc/ld.so.conf.d/*.conf\n",
      "/etc/ld.so.conf.d/nvidia.conf": "# the driver's folder\n/opt/nvidia/lib\n",
      "/opt/nvidia/lib/libvulkan.so.1": "",
      "/opt/nvidia/lib/libGLX_nvidia.so.0": "",
      "/usr/share/vulkan/icd.d/nvidia_icd.json": icd("libGLX_nvidia.so.0"),
    });
    expect(d.libraryDirs).toContain("/opt/nvidia/lib");
    expect(d.libvulkan).toBe("/opt/nvidia/lib/libvulkan.so.1");
    expect(d.icds[0]).toMatchObject({ kind: "nvidia", libraryFound: "/opt/nvidia/lib/libGLX_nvidia.so.0" });
    expect(vulkanProblems(d)).toEqual([]);
  });

  it("reads VK_ICD_FILENAMES instead of the default folders, and flags unreadable manifests", () => {
    const d = diagnose({ ...LOADER, "/opt/icd/custom.json": "{ not json", "/usr/share/vulkan/icd.d/lvp_icd.json": icd("libvulkan_lvp.so") }, { VK_ICD_FILENAMES: "/opt/icd/custom.json" });
    expect(d.icdSearched).toEqual(["/opt/icd/custom.json"]);
    expect(d.icds).toHaveLength(1);
    expect(d.icds[0]!.problem).toMatch(/^unreadable/);
  });

  it("gives each cause a name for gpu-check's report", () => {
    const names = (files: Record<string, string>, extraEnv: Record<string, string> = {}) => vulkanCauses(diagnose(files, extraEnv)).map((c) => c.cause);
    const nvidiaIcd = { "/usr/share/vulkan/icd.d/nvidia_icd.json": icd("/usr/lib/libGLX_nvidia.so.0") };
    expect(names({})).toEqual(["no-libvulkan", "no-nvidia-driver"]);
    expect(names({ ...NVIDIA, ...LOADER })).toEqual(["no-nvidia-icd"]);
    expect(names({ ...NVIDIA, ...LOADER }, { NVIDIA_DRIVER_CAPABILITIES: "compute,utility" })).toEqual(["container-no-graphics"]);
    expect(names({ ...NVIDIA_PROC, ...LOADER, ...nvidiaIcd, "/usr/lib/libGLX_nvidia.so.0": "" })).toEqual(["no-nvidia-devices"]);
    expect(names({ ...NVIDIA, ...LOADER, ...nvidiaIcd })).toEqual(["nvidia-icd-unusable"]);
    expect(names({ ...NVIDIA, ...LOADER, ...nvidiaIcd, "/usr/lib/libGLX_nvidia.so.0": "" })).toEqual([]);
  });

  it("reports nothing to check off Linux", () => {
    expect(vulkanProblems(diagnoseVulkan({ platform: "darwin" }))).toEqual([]);
  });
});
