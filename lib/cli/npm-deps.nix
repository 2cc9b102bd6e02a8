# The npm packages of package-lock.json the cognix command needs: its
# runtime dependencies, and for the build its locked TypeScript (with the
# platform's native compiler) and Node's types. Each is a tarball fetched by
# `fetchTarball` (a fixed-output download, checked against the lock's
# integrity hash) and unpacked at its node_modules path.
{ lib, lockFile, system, fetchTarball }:
let
  lock = lib.importJSON lockFile;
  platform =
    {
      x86_64-linux = { os = "linux"; cpu = "x64"; };
      aarch64-linux = { os = "linux"; cpu = "arm64"; };
    }.${system} or (throw "cognix: no npm platform known for ${system}");
  fits = p: (!(p ? os) || lib.elem platform.os p.os) && (!(p ? cpu) || lib.elem platform.cpu p.cpu);
  # The package's name: what follows the last node_modules/ of its path.
  nameOf = path: lib.last (lib.splitString "node_modules/" path);
  buildOnly = path: lib.elem (nameOf path) [ "typescript" "@types/node" "undici-types" ] || lib.hasPrefix "@typescript/typescript-" (nameOf path);
  usable = path: p: path != "" && p ? integrity && p ? version && fits p && !(p.link or false);
  tarball = path: p:
    let
      name = nameOf path;
      base = lib.last (lib.splitString "/" name);
    in
    {
      inherit path;
      runtime = !(p.dev or false) && !(p.devOptional or false);
      src = fetchTarball {
        name = "${lib.strings.sanitizeDerivationName (lib.replaceStrings [ "@" "/" ] [ "" "-" ] name)}-${p.version}.tgz";
        url = "https://registry.npmjs.org/${name}/-/${base}-${p.version}.tgz";
        integrity = p.integrity;
      };
    };
  wanted = lib.filterAttrs (path: p: usable path p && (!(p.dev or false) && !(p.devOptional or false) || buildOnly path)) lock.packages;
in
lib.mapAttrsToList tarball wanted
