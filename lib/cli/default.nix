# The cognix command as a Nix package: the npm package's own sources
# (ts/, schemas/, templates/, lib/data) compiled with the TypeScript its
# package-lock.json pins, beside the runtime dependencies that lock pins;
# the same program `npm link` installs. `bin/cognix` runs it with `nodejs`.
{
  lib,
  system,
  src,
  runCommand,
  runtimeShell,
  nodejs,
  # { name, url, integrity }: the tarball, checked against `integrity`.
  fetchTarball,
}:
let
  pkg = lib.importJSON (src + "/package.json");
  # What Node runs cognix with (lib/data/node-flags.json says why).
  nodeFlags = lib.concatStringsSep " " (lib.importJSON ../data/node-flags.json).flags;
  root = toString src;
  keep = [ "package.json" "package-lock.json" "tsconfig.json" "tsconfig.build.json" "ts" "schemas" "templates" "lib" ];
  sources = builtins.path {
    name = "cognix-src";
    path = src;
    filter =
      path: type:
      let
        rel = lib.removePrefix "/" (lib.removePrefix root (toString path));
        parts = lib.splitString "/" rel;
      in
      lib.elem (builtins.head parts) keep
      && (builtins.head parts != "lib" || rel == "lib" || lib.hasPrefix "lib/data" rel)
      && !(lib.elem "tests" parts)
      && !(lib.hasSuffix ".test.ts" rel)
      # Test helpers and type generation use development packages only.
      && !(lib.hasPrefix "ts/testkit" rel)
      && rel != "ts/schema/gen-types.ts";
  };
  deps = import ./npm-deps.nix {
    inherit lib system fetchTarball;
    lockFile = src + "/package-lock.json";
  };
  unpack = dir: d: ''
    mkdir -p "${dir}/${d.path}"
    tar -xzf ${d.src} -C "${dir}/${d.path}" --strip-components=1 --no-same-owner
  '';
in
runCommand "cognix-${pkg.version}"
  {
    passthru = { inherit (pkg) version; };
    meta = { description = pkg.description; mainProgram = "cognix"; };
  }
  ''
    mkdir build
    cp -R ${sources}/. build/
    chmod -R u+w build
    ${lib.concatMapStrings (unpack "build") deps}
    cd build
    # `npm run build`: the compiler, then the precompiled validators.
    ${nodejs}/bin/node node_modules/typescript/bin/tsc -p tsconfig.build.json
    ${nodejs}/bin/node dist/schema/gen-validators.js
    app="$out/lib/node_modules/cognix"
    mkdir -p "$app/lib" "$out/bin"
    cp -R dist schemas templates package.json "$app/"
    cp -R lib/data "$app/lib/data"
    ${lib.concatMapStrings (unpack "$app") (builtins.filter (d: d.runtime) deps)}
    printf '#!%s\nexec %s %s %s "$@"\n' "${runtimeShell}" "${nodejs}/bin/node" "${nodeFlags}" "$app/dist/cli.js" > "$out/bin/cognix"
    chmod 0555 "$out/bin/cognix"
  ''
