import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CognixError } from "../../../util/errors.ts";
import { mapSystemPackages } from "../index.ts";
import { APT_TABLE } from "../table.ts";

const at = (names: string[]) => names.map((name, i) => ({ name, loc: { file: "cog.yaml", line: 10 + i, column: 7, path: ["build", "system_packages", i] } }));
const map1 = (name: string) => mapSystemPackages(at([name]))[0]!.nix;

/** The apt names that come up most in public cog.yaml files. */
const COMMON = [
  "ffmpeg", "libgl1-mesa-glx", "libglib2.0-0", "git", "libsm6", "libxext6", "wget", "curl", "build-essential",
  "libxrender1", "libgl1", "cmake", "libsndfile1", "unzip", "git-lfs", "aria2", "zip", "vim", "libxrender-dev",
  "libgomp1", "espeak-ng", "sox", "libsox-dev", "tesseract-ocr", "poppler-utils", "imagemagick", "libmagic1",
  "libjpeg-dev", "libpng-dev", "zlib1g-dev", "libssl-dev", "pkg-config", "ninja-build", "libcairo2-dev",
  "libvips-dev", "ca-certificates", "software-properties-common", "libopenblas-dev", "libboost-all-dev", "g++",
  "gcc", "make", "protobuf-compiler", "portaudio19-dev", "libasound2-dev", "libavcodec-dev", "libavformat-dev",
  "libswscale-dev", "libeigen3-dev", "libtcmalloc-minimal4", "google-perftools", "nodejs", "npm",
  "fonts-dejavu-core", "fontconfig", "libfreetype6-dev", "libx11-6", "libegl1", "xvfb", "mesa-utils",
  "python3-opencv", "libopencv-dev", "libglu1-mesa", "libsndfile1-dev", "python3-dev", "p7zip-full",
];

describe("apt → nixpkgs", () => {
  it("maps the common names", () => {
    expect(COMMON.length).toBeGreaterThanOrEqual(60);
    const out = mapSystemPackages(at(COMMON));
    expect(out.map((o) => o.apt)).toEqual(COMMON);
  });

  it("maps what each well-known name needs", () => {
    expect(map1("ffmpeg")).toEqual(["ffmpeg"]);
    expect(map1("libgl1-mesa-glx")).toEqual(["libGL"]);
    expect(map1("libglib2.0-0")).toEqual(["glib"]);
    expect(map1("libsm6")).toEqual(["libsm"]);
    expect(map1("libxext6")).toEqual(["libxext"]);
    expect(map1("build-essential")).toEqual(["gcc", "gnumake"]);
    expect(map1("ca-certificates")).toEqual([]);
    expect(map1("libgomp1")).toEqual(["gcc.cc.lib"]);
  });

  it("-dev packages fall back to their runtime package", () => {
    expect(APT_TABLE["libsndfile1-dev"]).toBeUndefined();
    expect(map1("libsndfile1-dev")).toEqual(map1("libsndfile1"));
    expect(map1("libxrender-dev")).toEqual(["libxrender"]);
  });

  it("versioned Python names need nothing", () => {
    for (const n of ["python3.10", "python3.11-dev", "libpython3.12-dev", "python3"]) expect(map1(n), n).toEqual([]);
  });

  it("ignores apt version pins and architectures, with a warning", () => {
    const warnings: string[] = [];
    const out = mapSystemPackages(at(["ffmpeg=7:4.4.2-0ubuntu0.22.04.1", "libgl1:amd64"]), warnings);
    expect(out).toEqual([{ apt: "ffmpeg=7:4.4.2-0ubuntu0.22.04.1", nix: ["ffmpeg"] }, { apt: "libgl1:amd64", nix: ["libGL"] }]);
    expect(warnings).toEqual(['system package "ffmpeg=7:4.4.2-0ubuntu0.22.04.1": the apt version pin is ignored; the version comes from the pinned nixpkgs']);
  });

  it("names every unknown package, where it is, and how to map it by hand", () => {
    let err: unknown;
    try {
      mapSystemPackages(at(["git", "libfoo-bar9", "ffmpeg", "nvidia-driver-535"]));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CognixError);
    const problems = (err as CognixError).problems;
    expect(problems.map((p) => [p.line, p.path])).toEqual([[11, ["build", "system_packages", 1]], [13, ["build", "system_packages", 3]]]);
    expect(problems[0]!.message).toContain('unknown apt package "libfoo-bar9"');
    expect(problems[1]!.message).toContain('unknown apt package "nvidia-driver-535"');
    expect((err as CognixError).message).toContain("image.systemPackages");
    expect((err as CognixError).exitCode).not.toBe(0);
  });

  it("has at least 80 names, each mapped to attribute paths the cognix.json schema accepts", () => {
    const schema = JSON.parse(readFileSync(fileURLToPath(new URL("../../../../schemas/cognix.schema.json", import.meta.url)), "utf8")) as {
      properties: { systemPackages: { items: { properties: { nix: { items: { pattern: string } } } } } };
    };
    const pattern = new RegExp(schema.properties.systemPackages.items.properties.nix.items.pattern);
    const names = Object.keys(APT_TABLE);
    expect(names.length).toBeGreaterThanOrEqual(80);
    for (const name of names) {
      expect(name, name).toBe(name.toLowerCase());
      for (const attr of APT_TABLE[name]!.nix) expect(attr, `${name} → ${attr}`).toMatch(pattern);
      if (APT_TABLE[name]!.nix.length === 0) expect(APT_TABLE[name]!.note, `${name} maps to nothing: say why`).toBeTruthy();
    }
  });
});
