# An npm tarball without nixpkgs: copied from npm's own cache (which files
# it by the same integrity hash the lock records) when it is there, else
# downloaded with curl; Nix checks the hash either way. Built by the host's
# bash and tools, as lib/offline builds (sandbox = false).
{ system, bash, hostPath }:
{ name, url, integrity }:
derivation {
  inherit name system url integrity;
  builder = bash;
  PATH = hostPath;
  outputHashMode = "flat";
  outputHash = integrity;
  # Where `npm ci` keeps its cache, when it is not ~/.npm.
  impureEnvVars = [ "npm_config_cache" ];
  args = [
    "-c"
    ''
      set -eu
      algo=''${integrity%%-*}
      hex=$(printf '%s' "''${integrity#*-}" | base64 -d | od -An -v -tx1 | tr -d ' \n')
      home=$(getent passwd "$(id -u)" | cut -d: -f6)
      cached=''${npm_config_cache:-$home/.npm}/_cacache/content-v2/$algo/''${hex:0:2}/''${hex:2:2}/''${hex:4}
      if [ -f "$cached" ]; then
        cp "$cached" "$out"
      else
        curl --fail --location --silent --show-error --retry 2 -o "$out" "$url"
      fi
    ''
  ];
}
