# nixpkgs' refusal of packages at evaluation time, for the offline set:
# pkgs/stdenv/generic/check-meta.nix with problems.nix and remediations.nix.
# A derivation whose meta the config does not allow evaluates its name and
# meta, but throws on drvPath/outPath (lib.extendDerivation, as
# make-derivation.nix does), with nixpkgs' message and under nixpkgs' config
# keys:
#   unfree licences   allowUnfree, allowUnfreePredicate, allowUnfreePackages,
#                     NIXPKGS_ALLOW_UNFREE
#   meta.broken       allowBroken, allowBrokenPredicate, NIXPKGS_ALLOW_BROKEN,
#                     problems.handlers, problems.matchers
# Licence allow/block lists, platforms and insecure packages are not modelled:
# nothing the offline set carries uses them.
{ lib, config }:
let
  inherit (lib)
    any
    concatMapStringsSep
    elem
    filter
    foldl'
    getName
    isFunction
    optionalString
    toList
    ;
  inherit (lib.strings) escapeNixIdentifier;

  getEnv = builtins.getEnv;

  getNameWithVersion =
    attrs: attrs.name or "${attrs.pname or "«name-missing»"}-${attrs.version or "«version-missing»"}";

  # --- unfree (check-meta.nix) ---
  allowUnfree = config.allowUnfree or false || getEnv "NIXPKGS_ALLOW_UNFREE" == "1";

  isUnfree =
    licenses:
    if licenses ? licenseType then
      !(lib.licenses.isFree licenses)
    else if builtins.isAttrs licenses then
      !(licenses.free or true)
    else if builtins.isString licenses then
      false
    else
      any (l: !l.free or false) licenses;

  hasUnfreeLicense = attrs: attrs ? meta.license && isUnfree attrs.meta.license;

  hasDeniedUnfreeLicense =
    if allowUnfree then
      _: false
    else
      let
        listed = config.allowUnfreePackages or [ ];
        predicate = config.allowUnfreePredicate or null;
      in
      attrs:
      hasUnfreeLicense attrs
      && !(elem (getName attrs) listed)
      && !(isFunction predicate && predicate attrs);

  showLicense = value: toString (map (v: v.shortName or v.fullName or "unknown") (toList value));

  # --- remediations.nix ---
  flakeNote = "
   Note: When using `nix shell`, `nix build`, `nix develop`, etc with a flake,
         then pass `--impure` in order to allow use of environment variables.
    ";
  remediatePredicate = predicateConfigAttr: attrs: ''

    Alternatively you can configure a predicate to allow specific packages:
      { nixpkgs.config.${predicateConfigAttr} = pkg: builtins.elem (lib.getName pkg) [
          "${getName attrs}"
        ];
      }
  '';
  remediateAllowlist = rebuildAmendment: ''
    a) To temporarily allow unfree packages, you can use an environment variable
       for a single invocation of the nix tools.

         $ export NIXPKGS_ALLOW_UNFREE=1
         ${flakeNote}
    b) For `nixos-rebuild` you can set
      { nixpkgs.config.allowUnfree = true; }
    in configuration.nix to override this.
    ${rebuildAmendment}
    c) For `nix-env`, `nix-build`, `nix-shell` or any other Nix command you can add
      { allowUnfree = true; }
    to ~/.config/nixpkgs/config.nix.
  '';

  # --- broken (problems.nix) ---
  allowBroken = config.allowBroken or false || getEnv "NIXPKGS_ALLOW_BROKEN" == "1";
  isBroken =
    if allowBroken then
      _: false
    else if config ? allowBrokenPredicate then
      attrs: attrs.meta.broken or false && !config.allowBrokenPredicate attrs
    else
      attrs: attrs.meta.broken or false;

  # pkgs/top-level/config.nix adds its matchers to the user's.
  matchers = [
    {
      kind = "broken";
      handler = "error";
    }
    {
      kind = "removal";
      handler = "warn";
    }
  ]
  ++ config.problems.matchers or [ ];
  stronger = a: b: if a == "error" || b == "error" then "error" else if a == "warn" || b == "warn" then "warn" else "ignore";
  # problems.handlers.<package>.<problem> wins over every matcher.
  handlerFor =
    pname: name: kind:
    config.problems.handlers.${pname}.${name} or (foldl' stronger "ignore" (
      map (m: m.handler) (
        filter (
          m:
          (m.name or null == null || m.name == name)
          && (m.kind or null == null || m.kind == kind)
          && (m.package or null == null || m.package == pname)
        ) matchers
      )
    ));

  brokenMessage = "broken: This package is broken.";

  # --- check-meta.nix: checkValidity, handle ---
  position = meta: meta.position or "«unknown-file»";

  refuse =
    attrs: msg: remediation:
    throw (
      "Refusing to evaluate package '${getNameWithVersion attrs}' in ${position attrs.meta} because it ${msg}"
      + optionalString (!(config.inHydra or false) && remediation != "") "\n${remediation}"
    );

  validity =
    attrs:
    let
      pname = getName attrs;
      brokenHandler = handlerFor pname "broken" "broken";
    in
    if !(attrs ? meta) then
      true
    else if hasDeniedUnfreeLicense attrs then
      refuse attrs "has an unfree license (‘${showLicense attrs.meta.license}’)" (
        remediateAllowlist (remediatePredicate "allowUnfreePredicate" attrs)
      )
    else if isBroken attrs && brokenHandler == "error" then
      refuse attrs "has problems:\n- ${brokenMessage}\n" ''
        See also https://nixos.org/manual/nixpkgs/unstable#sec-problems
        To allow evaluation regardless, use:
        - Nixpkgs import: import nixpkgs { config = <below code>; }
        - NixOS: nixpkgs.config = <below code>;
        - nix-* commands: Put below code in ~/.config/nixpkgs/config.nix

          {
            problems.handlers = {
              ${escapeNixIdentifier pname}.broken = "warn"; # or "ignore"
            };
          }
      ''
    else if isBroken attrs && brokenHandler == "warn" then
      lib.warn "Package '${getNameWithVersion attrs}' in ${position attrs.meta} has the following problem: ${brokenMessage} See https://nixos.org/manual/nixpkgs/unstable#sec-problems" true
    else
      true;

  # check-meta.nix's commonMeta, the parts its users read.
  commonMeta =
    attrs:
    attrs.meta
    // {
      name = getNameWithVersion attrs;
      unfree = hasUnfreeLicense attrs;
      broken = attrs.meta.broken or false;
      available = !(hasDeniedUnfreeLicense attrs) && !(isBroken attrs && handlerFor (getName attrs) "broken" "broken" == "error");
    };
in
{
  inherit commonMeta;

  /**
    `drv` with nixpkgs' meta checks: `attrs` is what a package passes to
    mkDerivation (name or pname/version, meta with position). Its drvPath,
    outPath and every output's throw when the config does not allow it.
  */
  checked = attrs: drv: lib.extendDerivation (validity attrs) { meta = commonMeta attrs; } drv;
}
