# The cognix image tool, compiled from the TypeScript sources with `tsc` and
# run with Node: ts/cli (the command framework), ts/http, ts/image, ts/registry,
# ts/sbom, ts/weights, ts/tool and ts/util use Node built-ins only. `bin/cognix-image` is the image tool; `bin/cognix` runs
# the built-ins-only commands (`image`, `push-weights`, `lock-weights`).
{ lib, pkgs, nodejs, typescript, sources ? ../ts }:
let
  wanted = [ "cli" "http" "image" "registry" "sbom" "tool" "util" "weights" ];
  # What Node runs the tools with (lib/data/node-flags.json says why).
  nodeFlags = lib.concatStringsSep " " (lib.importJSON ./data/node-flags.json).flags;
  root = toString sources;
  src = builtins.path {
    name = "cognix-image-tool-src";
    path = sources;
    filter = path: type:
      let
        rel = lib.removePrefix "/" (lib.removePrefix root (toString path));
        top = builtins.head (lib.splitString "/" rel);
      in
      builtins.elem top wanted
      && !(lib.hasInfix "/tests" rel)
      && (type == "directory" || (lib.hasSuffix ".ts" rel && !(lib.hasSuffix ".test.ts" rel)));
  };
  # No @types/node in the build: type errors are expected and do not stop
  # emitting; the repository's own typecheck covers types.
  tsconfig = builtins.toJSON {
    compilerOptions = {
      target = "es2022";
      module = "nodenext";
      moduleResolution = "nodenext";
      allowImportingTsExtensions = true;
      rewriteRelativeImportExtensions = true;
      skipLibCheck = true;
      types = [ ];
      outDir = "out";
      rootDir = "src";
      noEmitOnError = false;
      sourceMap = false;
      declaration = false;
    };
    include = [ "src/**/*.ts" ];
  };
in
pkgs.runCommand "cognix-image-tool" { inherit tsconfig; passAsFile = [ "tsconfig" ]; } ''
  mkdir -p work/src
  cp -R ${src}/. work/src/
  chmod -R u+w work
  cp "$tsconfigPath" work/tsconfig.json
  echo '{"type":"module"}' > work/src/package.json
  ${typescript}/bin/tsc -p work/tsconfig.json > tsc.log 2>&1 || true
  if [ ! -f work/out/image/main.js ] || [ ! -f work/out/tool/main.js ]; then
    cat tsc.log >&2
    echo "cognix-image-tool: tsc did not emit image/main.js and tool/main.js" >&2
    exit 1
  fi
  mkdir -p "$out/bin"
  cp -R work/out "$out/lib"
  cp work/src/package.json "$out/lib/package.json"
  cat > "$out/bin/cognix-image" <<EOF
  #!${pkgs.runtimeShell}
  exec ${nodejs}/bin/node ${nodeFlags} $out/lib/image/main.js "\$@"
  EOF
  cat > "$out/bin/cognix" <<EOF
  #!${pkgs.runtimeShell}
  exec ${nodejs}/bin/node ${nodeFlags} $out/lib/tool/main.js "\$@"
  EOF
  chmod 0555 "$out/bin/cognix-image" "$out/bin/cognix"
''
