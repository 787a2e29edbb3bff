// What Dawn needs from the system to find a GPU on Linux, looked up without
// loading anything: the Vulkan loader (libvulkan.so.1, which Dawn dlopens) and
// the installable client drivers (ICDs) the loader reads from JSON manifests.
// A compute-only NVIDIA install (CUDA works, nvidia-smi works) often lacks the
// Vulkan ICD (nvidia_icd.json → libGLX_nvidia.so.0), and NVIDIA's container
// runtime mounts it only when NVIDIA_DRIVER_CAPABILITIES includes "graphics";
// Dawn then finds no GPU adapter, or only mesa's software one. A container
// started without the GPU sees the driver in /proc but no /dev/nvidia* device
// nodes, and nothing (CUDA or Vulkan) can open the GPU. This module
// names which piece is missing so the error can say what to install.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { isAbsolute, join } from "node:path";

export type IcdKind = "nvidia" | "software" | "other";

export interface IcdManifest {
  /** The manifest file. */
  readonly file: string;
  /** ICD.library_path as written (a bare name is searched like a dlopen). */
  readonly library?: string;
  /** Where that library was found, if anywhere. */
  readonly libraryFound?: string;
  readonly kind: IcdKind;
  /** Why the manifest is unusable (unreadable, no library_path). */
  readonly problem?: string;
}

export interface VulkanDiagnosis {
  readonly platform: string;
  /** Where libvulkan.so.1 was found; undefined when it is missing. */
  readonly libvulkan?: string;
  /** Library folders searched for libvulkan.so.1 and bare ICD library names. */
  readonly libraryDirs: readonly string[];
  /** ICD manifest folders (or files, from VK_DRIVER_FILES/VK_ICD_FILENAMES) looked in. */
  readonly icdSearched: readonly string[];
  readonly icds: readonly IcdManifest[];
  /** The NVIDIA kernel driver's version line (/proc/driver/nvidia/version), when loaded. */
  readonly nvidiaDriver?: string;
  /** The NVIDIA device nodes in /dev (nvidia0…, nvidiactl); a container started without the GPU has none. */
  readonly nvidiaDevices: readonly string[];
  /** NVIDIA_DRIVER_CAPABILITIES, when set (NVIDIA's container runtime reads it). */
  readonly nvidiaCapabilities?: string;
}

/** Where to look, so tests can point the lookup at a made-up file tree. */
export interface VulkanLookup {
  readonly root?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly platform?: string;
  readonly arch?: string;
}

const MULTIARCH: Readonly<Record<string, string>> = Object.freeze({
  x64: "x86_64-linux-gnu",
  arm64: "aarch64-linux-gnu",
});

const SOFTWARE_ICD = /lvp_icd|lavapipe|swiftshader|vk_swiftshader/i;
const NVIDIA_ICD = /nvidia/i;
/** The device nodes the NVIDIA driver creates: one per GPU, and the control node. */
const NVIDIA_DEVICE = /^nvidia(\d+|ctl)$/;

function splitList(value: string | undefined): string[] {
  return (value ?? "").split(":").filter((s) => s.length > 0);
}

/** ld.so.conf's folders (one level of `include`), as glibc's dynamic loader reads them via its cache. */
function ldConfDirs(at: (p: string) => string): string[] {
  const dirs: string[] = [];
  const read = (file: string, depth: number) => {
    let text: string;
    try {
      text = readFileSync(at(file), "utf8");
    } catch {
      return;
    }
    for (const raw of text.split("\n")) {
      const line = raw.replace(/#.*/, "").trim();
      if (!line) continue;
      const include = /^include\s+(.+)$/.exec(line);
      if (include) {
        if (depth > 0) continue;
        const pattern = include[1]!.trim();
        const dir = pattern.slice(0, pattern.lastIndexOf("/"));
        const suffix = pattern.endsWith("*.conf") ? ".conf" : "";
        let names: string[] = [];
        try {
          names = readdirSync(at(dir)).filter((n) => n.endsWith(suffix)).sort();
        } catch {
          // a missing include folder is fine: nothing to add
        }
        for (const name of names) read(`${dir}/${name}`, depth + 1);
      } else if (line.startsWith("/")) {
        dirs.push(line);
      }
    }
  };
  read("/etc/ld.so.conf", 0);
  return dirs;
}

function libraryDirsFor(at: (p: string) => string, env: VulkanLookup["env"], arch: string): string[] {
  const multiarch = MULTIARCH[arch];
  const defaults = [
    ...(multiarch ? [`/lib/${multiarch}`, `/usr/lib/${multiarch}`] : []),
    "/lib64",
    "/usr/lib64",
    "/lib",
    "/usr/lib",
  ];
  return [...new Set([...splitList(env?.LD_LIBRARY_PATH), ...ldConfDirs(at), ...defaults])];
}

/** The Vulkan loader's manifest search on Linux (VK_DRIVER_FILES/VK_ICD_FILENAMES replace it). */
function icdLocations(env: VulkanLookup["env"]): string[] {
  const override = splitList(env?.VK_DRIVER_FILES ?? env?.VK_ICD_FILENAMES);
  if (override.length > 0) return [...override, ...splitList(env?.VK_ADD_DRIVER_FILES)];
  const home = env?.HOME;
  const configHome = env?.XDG_CONFIG_HOME ?? (home ? `${home}/.config` : undefined);
  const dataHome = env?.XDG_DATA_HOME ?? (home ? `${home}/.local/share` : undefined);
  const configDirs = splitList(env?.XDG_CONFIG_DIRS ?? "/etc/xdg");
  const dataDirs = splitList(env?.XDG_DATA_DIRS ?? "/usr/local/share:/usr/share");
  return [
    ...new Set(
      [configHome, ...configDirs, "/etc", dataHome, ...dataDirs]
        .filter((d): d is string => d !== undefined)
        .map((d) => `${d}/vulkan/icd.d`),
    ),
    ...splitList(env?.VK_ADD_DRIVER_FILES),
  ];
}

function findLibrary(name: string, dirs: readonly string[], at: (p: string) => string): string | undefined {
  if (isAbsolute(name)) return existsSync(at(name)) ? name : undefined;
  return dirs.map((d) => `${d}/${name}`).find((p) => existsSync(at(p)));
}

function readManifest(file: string, dirs: readonly string[], at: (p: string) => string): IcdManifest {
  const byName: IcdKind = NVIDIA_ICD.test(file) ? "nvidia" : SOFTWARE_ICD.test(file) ? "software" : "other";
  let parsed: { ICD?: { library_path?: unknown } };
  try {
    parsed = JSON.parse(readFileSync(at(file), "utf8")) as typeof parsed;
  } catch (e) {
    return { file, kind: byName, problem: `unreadable (${e instanceof Error ? e.message : String(e)})` };
  }
  const library = parsed.ICD?.library_path;
  if (typeof library !== "string") return { file, kind: byName, problem: "no ICD.library_path" };
  const kind: IcdKind = byName !== "other" ? byName : NVIDIA_ICD.test(library) ? "nvidia" : SOFTWARE_ICD.test(library) ? "software" : "other";
  const libraryFound = findLibrary(library, dirs, at);
  return { file, library, kind, ...(libraryFound ? { libraryFound } : { problem: `its library ${library} was not found` }) };
}

function manifestsAt(location: string, at: (p: string) => string): string[] {
  if (location.endsWith(".json")) return existsSync(at(location)) ? [location] : [];
  try {
    return readdirSync(at(location))
      .filter((n) => n.endsWith(".json"))
      .sort()
      .map((n) => `${location}/${n}`);
  } catch {
    return [];
  }
}

export function diagnoseVulkan(lookup: VulkanLookup = {}): VulkanDiagnosis {
  const root = lookup.root ?? "/";
  const env = lookup.env ?? process.env;
  const platform = lookup.platform ?? process.platform;
  const at = (p: string) => (root === "/" ? p : join(root, p));
  if (platform !== "linux") return { platform, libraryDirs: [], icdSearched: [], icds: [], nvidiaDevices: [] };
  const libraryDirs = libraryDirsFor(at, env, lookup.arch ?? process.arch);
  const icdSearched = icdLocations(env);
  const files = [...new Set(icdSearched.flatMap((l) => manifestsAt(l, at)))];
  let nvidiaDriver: string | undefined;
  try {
    nvidiaDriver = readFileSync(at("/proc/driver/nvidia/version"), "utf8").split("\n")[0]!.trim();
  } catch {
    nvidiaDriver = undefined;
  }
  let nvidiaDevices: string[] = [];
  try {
    nvidiaDevices = readdirSync(at("/dev")).filter((n) => NVIDIA_DEVICE.test(n)).sort();
  } catch {
    nvidiaDevices = [];
  }
  const libvulkan = findLibrary("libvulkan.so.1", libraryDirs, at);
  const capabilities = env.NVIDIA_DRIVER_CAPABILITIES;
  return {
    platform,
    libraryDirs,
    icdSearched,
    icds: files.map((f) => readManifest(f, libraryDirs, at)),
    nvidiaDevices,
    ...(libvulkan ? { libvulkan } : {}),
    ...(nvidiaDriver ? { nvidiaDriver } : {}),
    ...(capabilities !== undefined ? { nvidiaCapabilities: capabilities } : {}),
  };
}

/** A named reason Dawn may find no GPU, so a report can list causes by name. */
export type VulkanCause = "no-libvulkan" | "no-nvidia-driver" | "no-nvidia-devices" | "container-no-graphics" | "no-nvidia-icd" | "nvidia-icd-unusable";

export interface VulkanProblem {
  readonly cause: VulkanCause;
  readonly text: string;
}

/**
 * Why Dawn may have found no GPU, named and explained, most basic first: the
 * loader, then the NVIDIA driver, its device nodes and its ICD. Empty when
 * nothing looks missing (an NVIDIA driver with its /dev nodes and a usable ICD, and the loader).
 */
export function vulkanCauses(d: VulkanDiagnosis): VulkanProblem[] {
  if (d.platform !== "linux") return [];
  const problems: VulkanProblem[] = [];
  const add = (cause: VulkanCause, text: string) => problems.push({ cause, text });
  if (!d.libvulkan) add("no-libvulkan", `libvulkan.so.1 (the Vulkan loader) is not installed: install libvulkan1 (Debian/Ubuntu) or vulkan-loader`);
  const nvidia = d.icds.filter((i) => i.kind === "nvidia");
  const found = d.icds.length === 0 ? "no Vulkan ICD manifests" : `Vulkan ICDs ${d.icds.map(icdLabel).join(", ")}`;
  if (!d.nvidiaDriver) {
    add("no-nvidia-driver", `no NVIDIA kernel driver is loaded (/proc/driver/nvidia/version is absent); ${found} in ${d.icdSearched.join(", ")}`);
    return problems;
  }
  if (!d.nvidiaDevices.includes("nvidiactl") || d.nvidiaDevices.every((n) => n === "nvidiactl")) {
    const have = d.nvidiaDevices.length === 0 ? "no /dev/nvidia* device nodes" : `only /dev/${d.nvidiaDevices.join(", /dev/")}`;
    add(
      "no-nvidia-devices",
      `the NVIDIA driver is loaded (${d.nvidiaDriver}) but there are ${have} (nvidia0… and nvidiactl are needed): ` +
        `this container was started without the GPU; start it with the GPU passed in (docker run --gpus all, or NVIDIA's runtime with NVIDIA_VISIBLE_DEVICES)`,
    );
  }
  if (nvidia.length === 0) {
    const noGraphics = d.nvidiaCapabilities !== undefined && !/\b(all|graphics)\b/.test(d.nvidiaCapabilities);
    const container = noGraphics
      ? ` (NVIDIA_DRIVER_CAPABILITIES=${d.nvidiaCapabilities} lacks "graphics": NVIDIA's container runtime mounts the Vulkan driver only with graphics or all)`
      : "";
    add(
      noGraphics ? "container-no-graphics" : "no-nvidia-icd",
      `the NVIDIA driver is loaded (${d.nvidiaDriver}) but its Vulkan ICD (nvidia_icd.json) is in none of ${d.icdSearched.join(", ")}` +
        `${container}: a compute-only driver install lacks it; install the driver's Vulkan part (Debian: nvidia-vulkan-icd; Ubuntu: libnvidia-gl-<version>)`,
    );
  }
  for (const icd of nvidia.filter((i) => i.problem)) add("nvidia-icd-unusable", `the NVIDIA Vulkan ICD ${icd.file} is unusable: ${icd.problem}`);
  return problems;
}

/** vulkanCauses' explanations alone, as the backend's errors quote them. */
export function vulkanProblems(d: VulkanDiagnosis): string[] {
  return vulkanCauses(d).map((p) => p.text);
}

export function icdLabel(icd: IcdManifest): string {
  const name = icd.file.slice(icd.file.lastIndexOf("/") + 1);
  return `${name} (${icd.kind}${icd.problem ? `, ${icd.problem}` : ""})`;
}
