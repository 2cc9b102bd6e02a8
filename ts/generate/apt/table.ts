/**
 * apt package names (Ubuntu, as used in cog.yaml build.system_packages) →
 * nixpkgs attribute paths, for the nixpkgs pinned in flake.lock.
 *
 * `-dev` packages resolve to the runtime entry when not listed here (the
 * nixpkgs package carries headers in its dev output). An empty list means the
 * package has nothing to add to a Nix image.
 *
 * How names were checked against nixpkgs source (NixOS/nixpkgs, 2026):
 * - X11 libraries use the top-level lowercase names nixpkgs moved them to:
 *   pkgs/by-name/li/{libsm,libice,libx11,libxext,libxrender,libxrandr,libxi,
 *   libxfixes,libxcb,libxcomposite,libxdamage,libxtst,libxcursor,libxinerama}/package.nix;
 *   pkgs/top-level/aliases.nix keeps `libSM`, `libX11`, … and the whole `xorg`
 *   set only as deprecation warnings.
 * - libGL and libGLU: all-packages.nix defines `libGL = … libglvnd` and
 *   `libGLU = … mesa_glu`; libglvnd is pkgs/by-name/li/libglvnd.
 * - libgbm: `libgbm = callPackage ../development/libraries/mesa/gbm.nix` in
 *   all-packages.nix; mesa is built with `libgbm-external`, so it does not ship
 *   libgbm.so.1 itself.
 * - glfw: `glfw = glfw3;` in all-packages.nix (glfw3 is pkgs/by-name/gl/glfw3).
 * - poppler-utils: `poppler-utils = poppler.override { suffix = "utils"; … }` in all-packages.nix.
 * - dejavu_fonts: `dejavu_fonts = lowPrio (callPackage ../data/fonts/dejavu-fonts { })`.
 * - tesseract: `tesseract = tesseract5;` (pkgs/applications/graphics/tesseract).
 * - libxkbcommon: `libxkbcommon = libxkbcommon_8;` (pkgs/by-name/li/libxkbcommon_8).
 * - jdk, jdk11, jdk17, jre: `jdk = jdk21; jdk11 = openjdk11; jdk17 = openjdk17; jre = jdk;`.
 * - nss: `nss = nss_esr;`; libjpeg: `libjpeg = libjpeg_turbo;`; opencv: `opencv = opencv4;`.
 * - pkgs/by-name/<xx>/<name>/package.nix exists for: alsa-lib, aria2, blas,
 *   cairo, ccache, cmake, cups, curl, dbus, eigen, espeak-ng, file, flac,
 *   freeglut, freetype, gdal, geos, gfortran, ghostscript, git, git-lfs, glew,
 *   glib, gnumake, gperftools, graphviz, gtk2, gtk3, htop, imagemagick,
 *   jemalloc, jq, lame, lapack, leptonica, less, libaio, libarchive, libdrm,
 *   libjpeg_turbo, libopus, libpng, libsndfile, libtiff, libvorbis, libvpx,
 *   libwebp, libxslt, mesa-demos, nano, ninja, numactl, p7zip, pandoc, pango,
 *   portaudio, proj, psmisc, rsync, sox, swig, tmux, tzdata, unzip, vips, wget,
 *   x264, x265, zbar, zip.
 * - all-packages.nix defines the rest as top-level attributes: boost, bzip2,
 *   cargo and rustc (from rustPackages), clang, fontconfig, ffmpeg, gcc, glibcLocales,
 *   gmp, gnupg, go, gobject-introspection, hdf5, libffi, libxml2, mesa, ncurses,
 *   nodejs, openblas, openexr, openssh, openssl, pkg-config, procps, protobuf,
 *   readline, sqlite, vim, xvfb-run, xz, zlib (openblas, openexr, hdf5 and
 *   xvfb-run also appear as pkgs/by-name packages, under the same names).
 * - libgomp lives in gcc's unwrapped lib output (gcc.cc.lib).
 * None of these names is an alias in pkgs/top-level/aliases.nix.
 */
export interface AptEntry {
  nix: readonly string[];
  /** Why the mapping is not the obvious one. */
  note?: string;
}

const same = (...nix: string[]): AptEntry => ({ nix });
const none = (note: string): AptEntry => ({ nix: [], note });

const X11 = "X11 client library";

export const APT_TABLE: Readonly<Record<string, AptEntry>> = {
  // Tools
  "aria2": same("aria2"),
  "build-essential": { nix: ["gcc", "gnumake"], note: "compiler and make for build.run steps; gcc's wrapper brings binutils and libc headers" },
  "ccache": same("ccache"),
  "clang": same("clang"),
  "cmake": same("cmake"),
  "curl": same("curl"),
  "ffmpeg": same("ffmpeg"),
  "file": same("file"),
  "g++": { nix: ["gcc"], note: "nixpkgs' gcc wrapper provides g++" },
  "gcc": same("gcc"),
  "gfortran": same("gfortran"),
  "ghostscript": same("ghostscript"),
  "git": same("git"),
  "git-lfs": same("git-lfs"),
  "gnupg": same("gnupg"),
  "graphviz": same("graphviz"),
  "htop": same("htop"),
  "imagemagick": same("imagemagick"),
  "jq": same("jq"),
  "lame": same("lame"),
  "less": same("less"),
  "make": { nix: ["gnumake"] },
  "mesa-utils": { nix: ["mesa-demos"], note: "glxinfo and friends" },
  "nano": same("nano"),
  "ninja-build": { nix: ["ninja"] },
  "nodejs": same("nodejs"),
  "npm": { nix: ["nodejs"], note: "npm ships with nodejs" },
  "openssh-client": { nix: ["openssh"] },
  "p7zip-full": { nix: ["p7zip"] },
  "pandoc": same("pandoc"),
  "pkg-config": same("pkg-config"),
  "poppler-utils": same("poppler-utils"),
  "procps": same("procps"),
  "protobuf-compiler": { nix: ["protobuf"] },
  "psmisc": same("psmisc"),
  "rsync": same("rsync"),
  "sox": same("sox"),
  "swig": same("swig"),
  "tesseract-ocr": { nix: ["tesseract"] },
  "tmux": same("tmux"),
  "unzip": same("unzip"),
  "vim": same("vim"),
  "wget": same("wget"),
  "xvfb": { nix: ["xvfb-run"], note: "xvfb-run wraps the Xvfb server" },
  "xz-utils": { nix: ["xz"] },
  "zip": same("zip"),
  "espeak": { nix: ["espeak-ng"], note: "espeak-ng replaces espeak" },
  "espeak-ng": same("espeak-ng"),
  "default-jre": { nix: ["jre"] },
  "default-jdk": { nix: ["jdk"] },
  "openjdk-11-jdk": { nix: ["jdk11"] },
  "openjdk-17-jdk": { nix: ["jdk17"] },
  "golang": { nix: ["go"] },
  "rustc": same("rustc"),
  "cargo": same("cargo"),
  "tzdata": same("tzdata"),
  "locales": { nix: ["glibcLocales"] },

  // Graphics: OpenGL, EGL, X11
  "libgl1": { nix: ["libGL"] },
  "libgl1-mesa-glx": { nix: ["libGL"], note: "Ubuntu's transitional name for libGL (libglvnd)" },
  "libgl1-mesa-dri": { nix: ["mesa"] },
  "libgl1-mesa-dev": { nix: ["libGL"] },
  "libglvnd0": { nix: ["libglvnd"] },
  "libegl1": { nix: ["libGL"], note: "libglvnd provides libEGL" },
  "libegl1-mesa": { nix: ["libGL"] },
  "libegl1-mesa-dev": { nix: ["libGL"] },
  "libgles2": { nix: ["libGL"] },
  "libgles2-mesa-dev": { nix: ["libGL"] },
  "libglu1-mesa": { nix: ["libGLU"] },
  "libglu1-mesa-dev": { nix: ["libGLU"] },
  "libgbm1": { nix: ["libgbm"], note: "nixpkgs builds libgbm separately from mesa" },
  "freeglut3-dev": { nix: ["freeglut"] },
  "libglfw3": { nix: ["glfw"] },
  "libglew-dev": { nix: ["glew"] },
  "libsm6": { nix: ["libsm"], note: X11 },
  "libice6": { nix: ["libice"], note: X11 },
  "libx11-6": { nix: ["libx11"], note: X11 },
  "libxext6": { nix: ["libxext"], note: X11 },
  "libxrender1": { nix: ["libxrender"], note: X11 },
  "libxrandr2": { nix: ["libxrandr"], note: X11 },
  "libxi6": { nix: ["libxi"], note: X11 },
  "libxfixes3": { nix: ["libxfixes"], note: X11 },
  "libxcb1": { nix: ["libxcb"], note: X11 },
  "libxcomposite1": { nix: ["libxcomposite"], note: X11 },
  "libxdamage1": { nix: ["libxdamage"], note: X11 },
  "libxtst6": { nix: ["libxtst"], note: X11 },
  "libxcursor1": { nix: ["libxcursor"], note: X11 },
  "libxinerama1": { nix: ["libxinerama"], note: X11 },
  "libxkbcommon-x11-0": { nix: ["libxkbcommon"] },
  "libxkbcommon0": { nix: ["libxkbcommon"] },

  // Libraries
  "libglib2.0-0": { nix: ["glib"] },
  "libglib2.0-dev": { nix: ["glib"] },
  "libgomp1": { nix: ["gcc.cc.lib"], note: "libgomp is part of gcc's runtime libraries" },
  "libsndfile1": { nix: ["libsndfile"] },
  "libsox-dev": { nix: ["sox"] },
  "libsox-fmt-all": { nix: ["sox"], note: "nixpkgs' sox is built with its format handlers" },
  "libmagic1": { nix: ["file"], note: "libmagic comes from file" },
  "libmagic-dev": { nix: ["file"] },
  "libjpeg-dev": { nix: ["libjpeg"] },
  "libjpeg-turbo8": { nix: ["libjpeg_turbo"] },
  "libturbojpeg": { nix: ["libjpeg_turbo"] },
  "libpng-dev": { nix: ["libpng"] },
  "libtiff-dev": { nix: ["libtiff"] },
  "libwebp-dev": { nix: ["libwebp"] },
  "libopenexr-dev": { nix: ["openexr"] },
  "zlib1g": { nix: ["zlib"] },
  "zlib1g-dev": { nix: ["zlib"] },
  "libssl-dev": { nix: ["openssl"] },
  "libffi-dev": { nix: ["libffi"] },
  "libbz2-dev": { nix: ["bzip2"] },
  "liblzma-dev": { nix: ["xz"] },
  "libsqlite3-dev": { nix: ["sqlite"] },
  "libreadline-dev": { nix: ["readline"] },
  "libncurses5-dev": { nix: ["ncurses"] },
  "libncursesw5-dev": { nix: ["ncurses"] },
  "libxml2-dev": { nix: ["libxml2"] },
  "libxslt1-dev": { nix: ["libxslt"] },
  "libcurl4-openssl-dev": { nix: ["curl"] },
  "libopenblas-dev": { nix: ["openblas"] },
  "libopenblas-base": { nix: ["openblas"] },
  "liblapack-dev": { nix: ["lapack"] },
  "libblas-dev": { nix: ["blas"] },
  "libboost-all-dev": { nix: ["boost"] },
  "libeigen3-dev": { nix: ["eigen"] },
  "libprotobuf-dev": { nix: ["protobuf"] },
  "portaudio19-dev": { nix: ["portaudio"] },
  "libportaudio2": { nix: ["portaudio"] },
  "libasound2": { nix: ["alsa-lib"] },
  "libasound2-dev": { nix: ["alsa-lib"] },
  "libavcodec-dev": { nix: ["ffmpeg"], note: "part of ffmpeg" },
  "libavformat-dev": { nix: ["ffmpeg"], note: "part of ffmpeg" },
  "libavutil-dev": { nix: ["ffmpeg"], note: "part of ffmpeg" },
  "libavdevice-dev": { nix: ["ffmpeg"], note: "part of ffmpeg" },
  "libavfilter-dev": { nix: ["ffmpeg"], note: "part of ffmpeg" },
  "libswscale-dev": { nix: ["ffmpeg"], note: "part of ffmpeg" },
  "libswresample-dev": { nix: ["ffmpeg"], note: "part of ffmpeg" },
  "libopencv-dev": { nix: ["opencv"] },
  "python3-opencv": { nix: ["opencv"], note: "the OpenCV libraries; Python bindings come from requirements" },
  "libtcmalloc-minimal4": { nix: ["gperftools"], note: "tcmalloc is part of gperftools" },
  "google-perftools": { nix: ["gperftools"] },
  "libgoogle-perftools-dev": { nix: ["gperftools"] },
  "libjemalloc2": { nix: ["jemalloc"] },
  "libvips": { nix: ["vips"] },
  "libvips42": { nix: ["vips"] },
  "libvips-dev": { nix: ["vips"] },
  "libcairo2": { nix: ["cairo"] },
  "libcairo2-dev": { nix: ["cairo"] },
  "libpango-1.0-0": { nix: ["pango"] },
  "libpango1.0-dev": { nix: ["pango"] },
  "libgtk2.0-dev": { nix: ["gtk2"] },
  "libgtk-3-dev": { nix: ["gtk3"] },
  "libnss3": { nix: ["nss"] },
  "libcups2": { nix: ["cups"] },
  "libdrm2": { nix: ["libdrm"] },
  "libdbus-1-3": { nix: ["dbus"] },
  "fontconfig": same("fontconfig"),
  "libfontconfig1": { nix: ["fontconfig"] },
  "libfreetype6": { nix: ["freetype"] },
  "libfreetype6-dev": { nix: ["freetype"] },
  "fonts-dejavu": { nix: ["dejavu_fonts"] },
  "fonts-dejavu-core": { nix: ["dejavu_fonts"] },
  "libhdf5-dev": { nix: ["hdf5"] },
  "libmp3lame-dev": { nix: ["lame"] },
  "flac": same("flac"),
  "libopus-dev": { nix: ["libopus"] },
  "libvorbis-dev": { nix: ["libvorbis"] },
  "libx264-dev": { nix: ["x264"] },
  "libx265-dev": { nix: ["x265"] },
  "libvpx-dev": { nix: ["libvpx"] },
  "libtesseract-dev": { nix: ["tesseract"] },
  "libleptonica-dev": { nix: ["leptonica"] },
  "libmagickwand-dev": { nix: ["imagemagick"] },
  "libgdal-dev": { nix: ["gdal"] },
  "gdal-bin": { nix: ["gdal"] },
  "libgeos-dev": { nix: ["geos"] },
  "libproj-dev": { nix: ["proj"] },
  "libgmp-dev": { nix: ["gmp"] },
  "libarchive-dev": { nix: ["libarchive"] },
  "libnuma1": { nix: ["numactl"] },
  "libnuma-dev": { nix: ["numactl"] },
  "libaio-dev": { nix: ["libaio"] },
  "libzbar0": { nix: ["zbar"] },
  "libgirepository1.0-dev": { nix: ["gobject-introspection"] },

  // Nothing to add in a Nix image
  "apt-utils": none("apt is not used in a Nix image"),
  "apt-transport-https": none("apt is not used in a Nix image"),
  "software-properties-common": none("apt repositories are not used in a Nix image"),
  "lsb-release": none("no distribution metadata in a Nix image"),
  "ca-certificates": none("the image always carries CA certificates"),
  "sudo": none("the image runs as root"),
  "python3": none("Python comes from python_version"),
  "python3-dev": none("Python and its headers come from python_version"),
  "python3-pip": none("pip comes with the image's Python"),
  "python3-venv": none("Python comes from python_version"),
  "python-is-python3": none("Python comes from python_version"),
};
