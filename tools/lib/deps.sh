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
# header-only libraries, Node (which Emscripten depends on anyway), and the
# native CLI's container libraries for TLS-RPT reports: libarchive (gzip,
# zip) and GMime (e-mail), found with pkg-config; and the live check's
# native host: libcurl with OpenSSL, OpenSSL, and libidn2 (UTS #46 for IDNs).
mtasts_need_build_deps() {
  local pkgs=(cmake ninja-build g++ emscripten nlohmann-json3-dev doctest-dev
              pkg-config libarchive-dev libgmime-3.0-dev libcurl4-openssl-dev libssl-dev libidn2-dev)
  command -v node >/dev/null 2>&1 || pkgs+=(nodejs)
  _mtasts_apt_install "${pkgs[@]}"
}

# The npm packages of package.json, installed without a lockfile when one is
# missing or at another version. "dependencies" are the page's own (copied
# into dist/vendor/ by the build: fflate, postal-mime for the report viewer);
# "devDependencies" are the tests'.
#   $1: "site" for dependencies only, "all" for both
_mtasts_npm_install() {
  command -v npm >/dev/null 2>&1 || _mtasts_apt_install npm
  if ! (cd "$mtasts_root" && MTASTS_NPM_WHICH="$1" node -e "
      const p = require('./package.json');
      const want = Object.assign({}, p.dependencies, process.env.MTASTS_NPM_WHICH === 'all' ? p.devDependencies : {});
      for (const [n, v] of Object.entries(want)) {
        const got = require('./node_modules/' + n + '/package.json').version;
        if (got !== v) process.exit(1);
      }" >/dev/null 2>&1); then
    echo "==> installing npm packages from package.json"
    if [ "$1" = site ]; then
      (cd "$mtasts_root" && npm install --no-audit --no-fund --no-package-lock --omit=dev --loglevel=error)
    else
      (cd "$mtasts_root" && npm install --no-audit --no-fund --no-package-lock --loglevel=error)
    fi
  fi
}

# What the page needs at build time beyond the compilers: its npm packages.
mtasts_need_site_deps() {
  _mtasts_npm_install site
}

# What the tests need beyond the build: npm, Chromium for the page tests, and
# every npm package in package.json.
mtasts_need_test_deps() {
  local pkgs=(chromium openssl libnss3-tools)
  command -v npm >/dev/null 2>&1 || pkgs+=(npm)
  _mtasts_apt_install "${pkgs[@]}"
  _mtasts_npm_install all
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
