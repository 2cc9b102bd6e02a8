# The builder of lib/offline/stdenv.nix: the phases of a pyproject.nix
# derivation, from the hooks it declared ($cognixHooks).
set -eu
has() { case " $cognixHooks " in *" $1 "*) return 0 ;; esac; return 1; }
runHook() { eval "${!1:-}"; }

cd "$NIX_BUILD_TOP"

# build: a prebuilt wheel, named as the store path's name without its hash.
if has pyproject-wheel-dist-hook; then
  runHook preBuild
  mkdir -p dist
  base=$(basename "$src")
  ln -s "$src" "dist/${base#*-}"
  runHook postBuild
fi

# install
runHook preInstall
if has pyproject-install-hook; then
  for wheel in dist/*.whl; do
    # shellcheck disable=SC2086 # flags are words, as in pyproject.nix's hook
    "$cognixUv" pip --offline --no-cache install --no-deps --link-mode=copy \
      --python="$cognixInstallPython" --system --prefix "$out" ${uvPipInstallFlags:-} "$wheel"
  done
  rm -f "$out/.lock"
fi
if has pyproject-make-venv-hook; then
  set -f
  # shellcheck disable=SC2086
  "$cognixVenvPython" "$cognixMakeVenv" --python "$cognixVenvTarget" "$out" --env NIX_PYPROJECT_DEPS ${mkVirtualenvFlags:-}
  set +f
fi
runHook postInstall

# fixup
searchPaths=()
addAutoPatchelfSearchPath() { searchPaths+=("$@"); }
runHook preFixup
if has auto-patchelf-hook; then
  args=()
  for d in ${cognixLibDirs:-} "${searchPaths[@]}"; do args+=(--search "$d"); done
  set -f # the ignore list holds glob patterns
  for i in ${autoPatchelfIgnoreMissingDeps:-}; do args+=(--ignore "$i"); done
  set +f
  [ -n "${cognixInterpreter:-}" ] && args+=(--interpreter "$cognixInterpreter")
  "$cognixPython" "$cognixAutoPatchelf" "$out" "${args[@]}"
fi
runHook postFixup
mkdir -p "$out"
