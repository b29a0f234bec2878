# shellcheck shell=bash
# Installs what the build and the tests need, from Debian's packages and the
# npm registry only, and only what is missing. Sourced by tools/test and
# tools/serve. Needs root (or sudo) the first time on a fresh machine.

mtasts_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

_mtasts_apt_missing() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  printf '%s\n' "${missing[@]}"
}

_mtasts_apt_install() {
  local missing
  mapfile -t missing < <(_mtasts_apt_missing "$@")
  [ "${#missing[@]}" -eq 0 ] && return 0
  [ -z "${missing[0]}" ] && return 0
  echo "==> installing Debian packages: ${missing[*]}"
  local sudo=()
  [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# What every build needs: a C++ toolchain, CMake, Ninja, Emscripten, the two
# header-only libraries, and Node (which Emscripten depends on anyway).
mtasts_need_build_deps() {
  local pkgs=(cmake ninja-build g++ emscripten nlohmann-json3-dev doctest-dev)
  command -v node >/dev/null 2>&1 || pkgs+=(nodejs)
  _mtasts_apt_install "${pkgs[@]}"
}

# What the tests need beyond the build: npm, Chromium for the page tests, and
# the npm packages in package.json (installed without a lockfile).
mtasts_need_test_deps() {
  local pkgs=(chromium openssl libnss3-tools)
  command -v npm >/dev/null 2>&1 || pkgs+=(npm)
  _mtasts_apt_install "${pkgs[@]}"
  if ! (cd "$mtasts_root" && node -e "
      const p = require('./package.json');
      for (const [n, v] of Object.entries(p.devDependencies || {})) {
        const got = require('./node_modules/' + n + '/package.json').version;
        if (got !== v) process.exit(1);
      }" >/dev/null 2>&1); then
    echo "==> installing npm packages from package.json"
    (cd "$mtasts_root" && npm install --no-audit --no-fund --no-package-lock --loglevel=error)
  fi
}

# What the fuzz harnesses need: clang with libFuzzer and the sanitizer
# runtimes (libclang-rt-14-dev), and llvm-cov / llvm-profdata for --coverage.
mtasts_need_fuzz_deps() {
  _mtasts_apt_install clang libclang-rt-14-dev llvm-14
}

mtasts_node() { command -v node; }

# Configures (once) and builds the WebAssembly flavour into dist/.
#   $1: build directory, $2: ON/OFF for the unit tests, rest: targets
mtasts_build_wasm() {
  local dir="$1" testing="$2"
  shift 2
  if [ ! -f "$dir/build.ninja" ]; then
    emcmake cmake -S "$mtasts_root" -B "$dir" -G Ninja \
      -DCMAKE_CROSSCOMPILING_EMULATOR="$(mtasts_node)" -DMTASTS_TESTING="$testing" >/dev/null
  fi
  if [ "$#" -gt 0 ]; then
    cmake --build "$dir" --target "$@"
  else
    cmake --build "$dir"
  fi
}
