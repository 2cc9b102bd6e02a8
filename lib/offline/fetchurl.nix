# nixpkgs' fetchurl (pkgs/build-support/fetchurl): a fixed-output derivation
# whose hash Nix checks. Files from Python package indexes are never
# downloaded here: they are served from the local wheelhouse (filled by
# scripts/fetch-wheels with pip, the ordinary PyPI client), after their
# sha256 is checked against the lock's. Any other URL (weights on a loopback
# or storage server) is downloaded with curl, as nixpkgs does.
{
  lib,
  system,
  bash,
  hostPath,
  python3,
  wheelhouse,
}:
let
  indexHosts = [
    "files.pythonhosted.org"
    "pypi.org"
    "pypi.python.org"
    "download.pytorch.org"
  ];
  hostOf = url: builtins.head (lib.splitString "/" (lib.removePrefix "http://" (lib.removePrefix "https://" url)));
in
{
  url ? null,
  urls ? [ ],
  name ? null,
  hash ? null,
  sha256 ? null,
  curlOpts ? "",
  passthru ? { },
  meta ? { },
  ...
}:
let
  allUrls = lib.optional (url != null) url ++ urls;
  first =
    if allUrls == [ ] then throw "fetchurl: no `url` or `urls` given" else builtins.head allUrls;
  fileName = if name != null then name else lib.strings.unsafeDiscardStringContext (baseNameOf first);
  fromIndex = lib.elem (hostOf first) indexHosts;
  outputHash =
    if hash != null then
      hash
    else if sha256 != null then
      sha256
    else
      throw "fetchurl: ${first}: no `hash` or `sha256` (a fixed-output download needs one)";
  # An SRI hash names its algorithm; a bare sha256 needs it said. (A null
  # attribute would reach the builder as "": derivation has no __ignoreNulls.)
  drv = derivation ({
    name = lib.strings.sanitizeDerivationName fileName;
    inherit system outputHash;
    outputHashMode = "flat";
    builder = bash;
    PATH = hostPath;
    urls = lib.concatStringsSep " " allUrls;
    inherit curlOpts;
    wheelFile = if fromIndex then "${wheelhouse}/${fileName}" else "";
    expectedHash = outputHash;
    checkScript = "${./py}/fetchurl-check.py";
    inherit python3;
    args = [
      "-c"
      ''
        set -eu
        if [ -n "$wheelFile" ]; then
          if [ ! -f "$wheelFile" ]; then
            echo "fetchurl: $urls is not in the wheelhouse ($wheelFile)." >&2
            echo "fetchurl: Nix does not download from Python package indexes here; run scripts/fetch-wheels for this model first." >&2
            exit 1
          fi
          "$python3" "$checkScript" "$wheelFile" "$expectedHash"
          cp "$wheelFile" "$out"
          exit 0
        fi
        for u in $urls; do
          # shellcheck disable=SC2086
          if curl --fail --location --silent --show-error --retry 2 $curlOpts -o "$out" "$u"; then exit 0; fi
          echo "fetchurl: $u failed" >&2
        done
        exit 1
      ''
    ];
  } // lib.optionalAttrs (hash == null) { outputHashAlgo = "sha256"; });
in
drv
// passthru
// {
  url = first;
  urls = allUrls;
  inherit hash;
  passthru = passthru // {
    url = first;
  };
  inherit meta;
}
