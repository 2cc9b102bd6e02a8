# Markdown reference of every cognix option, from the module declarations.
{
  lib,
  cognix,
  baseModules,
}:
let
  evaluated = lib.evalModules {
    modules = baseModules ++ [ { _module.check = false; } ];
    specialArgs = {
      inherit cognix;
      pkgs = throw "the package set is not needed for option documentation";
    };
  };
  # Sub-options of internal options (assertions.*.message) are not marked internal.
  hidden = [
    "_module"
    "assertions"
    "warnings"
  ];
  visible = o: o.visible && !o.internal && !(builtins.elem (builtins.head o.loc) hidden);
  optionsList = builtins.filter visible (lib.optionAttrSetToDocList evaluated.options);

  # A default that needs a model or packages is shown as such, not evaluated.
  text =
    v:
    let
      r = builtins.tryEval (if builtins.isAttrs v && v ? _type then v.text else builtins.toJSON v);
    in
    if r.success then r.value else "(computed)";
  code =
    t:
    if lib.hasInfix "\n" t then
      "\n\n  ```nix\n  ${lib.replaceStrings [ "\n" ] [ "\n  " ] t}\n  ```\n"
    else
      " `${t}`\n";
  render =
    o:
    ''
      ## `${o.name}`

      ${if o.description or null == null then "" else o.description}

      - Type: ${o.type}
    ''
    + lib.optionalString (o ? default) "- Default:${code (text o.default)}"
    + lib.optionalString (o ? example) "- Example:${code (text o.example)}"
    + lib.optionalString (o.readOnly or false) "- Read-only\n";
in
{
  inherit optionsList;
  optionsMarkdown = ''
    # cognix options

    Set these in a module passed to `cognix.lib.mkCogImage { modules = [ ... ]; }`.

  '' + lib.concatMapStringsSep "\n" render optionsList;
}
