import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CognixError, type Problem } from "../../../util/errors.ts";
import { mapAptNames, readAptEntries, unknownAptNames, type AptHints } from "../index.ts";
import { NIXPKGS_SOURCES } from "../nixpkgs-sources.ts";
import { APT_TABLE } from "../table.ts";

const at = (names: string[]) => names.map((name, i) => ({ name, loc: { file: "cog.yaml", line: 10 + i, column: 7, path: ["build", "system_packages", i] } }));

function map(names: string[], hints: AptHints | null = null, warnings: string[] = []): { apt: string; nix: string[] }[] {
  const problems: Problem[] = [];
  const requests = readAptEntries(at(names), warnings, problems);
  if (problems.length > 0) throw new CognixError(problems);
  return mapAptNames(requests, hints, "");
}
const map1 = (name: string) => map([name])[0]!.nix;

function failure(fn: () => unknown): CognixError {
  try {
    fn();
  } catch (err) {
    if (err instanceof CognixError) return err;
    throw err;
  }
  throw new Error("no error");
}

/** Names public cog.yaml files install, the list among them: build tools and -dev libraries, TeX Live, audio and MIDI, Mesa and GTK. */
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
  "libboost-program-options-dev", "libboost-graph-dev", "libboost-system-dev", "libboost-filesystem-dev",
  "libboost-test-dev", "libboost-iostreams-dev", "libgoogle-glog-dev", "libgflags-dev", "libceres-dev", "libcgal-dev",
  "libglm-dev", "libomp-dev", "libgtest-dev", "libgmock-dev", "pybind11-dev", "libflann-dev", "libmetis-dev",
  "libsuitesparse-dev", "texlive-latex-extra", "texlive-fonts-recommended", "dvipng", "cm-super", "texlive-full",
  "fluidsynth", "timidity", "abcmidi", "lilypond", "libfluidsynth-dev", "libsamplerate0", "rubberband-cli", "mpg123",
  "libegl-mesa0", "libglx-mesa0", "libgl1-mesa-dri", "libgbm1", "libvulkan1", "libgtk-3-0", "libgtk2.0-dev",
  "libgdk-pixbuf2.0-0", "libatk1.0-0", "libxss1", "libnss3", "libxkbcommon0", "libsdl2-dev", "libglew-dev",
  "freeglut3-dev", "libglfw3", "libxi-dev", "libxrandr-dev", "libx11-dev", "libxcursor-dev", "libxinerama-dev",
  "libyaml-cpp-dev", "libhdf5-dev", "libgeos-dev", "libproj-dev", "libgdal-dev", "libfftw3-dev", "libopenmpi-dev",
  "libzmq3-dev", "gdb", "strace", "tree", "bc", "screen", "rsync", "tmux", "htop", "jq", "nano", "less",
  "lsof", "pigz", "libhwloc-dev", "automake", "bison", "meson", "nasm", "yasm", "swig", "ccache", "gfortran",
  "libjemalloc2", "libnuma-dev", "libaio-dev", "libxml2-dev", "libxslt1-dev", "libffi-dev", "libbz2-dev",
  "liblzma-dev", "libsqlite3-dev", "libreadline-dev", "libncurses5-dev", "libcurl4-openssl-dev", "libprotobuf-dev",
  "libwebp-dev", "libtiff-dev", "libopenexr-dev", "libmp3lame-dev", "libopus-dev", "libvorbis-dev", "libx264-dev",
  "flac", "lame", "graphviz", "pandoc", "ghostscript", "tzdata", "locales", "openssh-client", "golang", "rustc",
  "cargo", "default-jre", "librsvg2-bin", "fonts-noto", "libheif-dev", "libraw-dev", "libopenjp2-7",
];

describe("apt → nixpkgs", () => {
  it("maps at least 150 names public models install, each to attributes recorded in nixpkgs' source", () => {
    expect(new Set(COMMON).size).toBe(COMMON.length);
    expect(COMMON.length).toBeGreaterThanOrEqual(150);
    const out = map(COMMON);
    expect(out.map((o) => o.apt)).toEqual(COMMON);
    for (const o of out) for (const attr of o.nix) expect(NIXPKGS_SOURCES[attr], `${o.apt} → ${attr}`).toMatch(/^pkgs\/\S+\.nix\b.* @ [0-9a-f]{12}$/);
  });

  it("maps what each well-known name needs", () => {
    expect(map1("ffmpeg")).toEqual(["ffmpeg"]);
    expect(map1("libgl1-mesa-glx")).toEqual(["libGL"]);
    expect(map1("libglib2.0-0")).toEqual(["glib"]);
    expect(map1("libsm6")).toEqual(["libsm"]);
    expect(map1("build-essential")).toEqual(["gcc", "gnumake"]);
    expect(map1("ca-certificates")).toEqual([]);
    expect(map1("libgomp1")).toEqual(["gcc.cc.lib"]);
    expect(map1("libomp-dev")).toEqual(["llvmPackages.openmp"]);
    expect(map1("libboost-filesystem-dev")).toEqual(["boost"]);
    expect(map1("texlive-latex-extra")).toEqual(["texliveFull"]);
  });

  it("python3-opencv is the Python binding, libopencv-dev the C++ library", () => {
    expect(map1("python3-opencv")).toEqual(["python3Packages.opencv4"]);
    expect(map1("libopencv-dev")).toEqual(["opencv"]);
  });

  it("-dev packages fall back to their runtime package", () => {
    expect(APT_TABLE["libsndfile1-dev"]).toBeUndefined();
    expect(map1("libsndfile1-dev")).toEqual(map1("libsndfile1"));
    expect(map1("libxrender-dev")).toEqual(["libxrender"]);
  });

  it("versioned Python names need nothing", () => {
    for (const n of ["python3.10", "python3.11-dev", "libpython3.12-dev", "python3"]) expect(map1(n), n).toEqual([]);
  });

  it("reads apt options, version pins, architectures and several names in one entry, with warnings", () => {
    const warnings: string[] = [];
    const out = map(["ffmpeg=7:4.4.2-0ubuntu0.22.04.1", "libgl1:amd64", "--no-install-recommends git --fix-missing", "LibSM6"], null, warnings);
    expect(out).toEqual([
      { apt: "ffmpeg", nix: ["ffmpeg"] },
      { apt: "libgl1", nix: ["libGL"] },
      { apt: "git", nix: ["git"] },
      { apt: "libsm6", nix: ["libsm"] },
    ]);
    expect(warnings).toEqual([
      'cog.yaml:10:7: build.system_packages[0]: the apt version pin of "ffmpeg=7:4.4.2-0ubuntu0.22.04.1" is ignored; the version comes from the pinned nixpkgs',
      'cog.yaml:12:7: build.system_packages[2]: the apt option --no-install-recommends is ignored: "--no-install-recommends git --fix-missing" is read as the packages it names',
      'cog.yaml:12:7: build.system_packages[2]: the apt option --fix-missing is ignored: "--no-install-recommends git --fix-missing" is read as the packages it names',
    ]);
  });

  it("refuses words that are no package name, and entries naming none", () => {
    const err = failure(() => map(["git && rm -rf /", "--yes"]));
    expect(err.problems.map((p) => [p.line, p.message])).toEqual([
      [10, '"&&" is not an apt package name'],
      [10, '"/" is not an apt package name'],
      [11, 'system package "--yes" names no package'],
    ]);
  });

  it("names every unknown package, where it is, and the flake options that map or skip it", () => {
    const names = ["git", "libfoo-bar9", "ffmpeg", "nvidia-driver-535"];
    const problems: Problem[] = [];
    expect(unknownAptNames(readAptEntries(at(names), [], problems))).toEqual(["libfoo-bar9", "nvidia-driver-535"]);
    const err = failure(() => map(names));
    expect(err.problems.map((p) => [p.line, p.path])).toEqual([[11, ["build", "system_packages", 1]], [13, ["build", "system_packages", 3]]]);
    expect(err.problems[0]!.message).toContain('unknown apt package "libfoo-bar9"');
    expect(err.message).toContain('image.aptMapping."libfoo-bar9" = [ "<nixpkgs attribute>" ];');
    expect(err.message).toContain('image.ignoreApt = [ "nvidia-driver-535" ];');
    expect(err.exitCode).not.toBe(0);
  });

  it("takes the flake's mapping and skip for names it does not know, never for names it knows", () => {
    const hints: AptHints = { mapping: { "libfoo-bar9": ["foo", "foo"], ffmpeg: ["ffmpeg-full"] }, ignore: ["nvidia-driver-535", "git"] };
    expect(map(["git", "libfoo-bar9", "ffmpeg", "nvidia-driver-535"], hints)).toEqual([
      { apt: "git", nix: ["git"] },
      { apt: "libfoo-bar9", nix: ["foo"] },
      { apt: "ffmpeg", nix: ["ffmpeg"] },
      { apt: "nvidia-driver-535", nix: [] },
    ]);
  });

  it("every attribute of the table matches the cognix.json schema and has its place in nixpkgs' source recorded", () => {
    const schema = JSON.parse(readFileSync(fileURLToPath(new URL("../../../../schemas/cognix.schema.json", import.meta.url)), "utf8")) as {
      properties: { systemPackages: { items: { properties: { nix: { items: { pattern: string } } } } } };
    };
    const pattern = new RegExp(schema.properties.systemPackages.items.properties.nix.items.pattern);
    const names = Object.keys(APT_TABLE);
    expect(names.length).toBeGreaterThanOrEqual(300);
    const used = new Set<string>();
    for (const name of names) {
      expect(name, name).toMatch(/^[a-z0-9][a-z0-9+.-]+$/);
      for (const attr of APT_TABLE[name]!.nix) {
        expect(attr, `${name} → ${attr}`).toMatch(pattern);
        expect(NIXPKGS_SOURCES[attr], `${name} → ${attr}: where is it defined in nixpkgs?`).toBeDefined();
        used.add(attr);
      }
      if (APT_TABLE[name]!.nix.length === 0) expect(APT_TABLE[name]!.note, `${name} maps to nothing: say why`).toBeTruthy();
    }
    // No record for an attribute nothing uses.
    expect(Object.keys(NIXPKGS_SOURCES).sort()).toEqual([...used].sort());
  });
});
