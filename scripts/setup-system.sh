#!/usr/bin/env bash
# The one installer of the system packages keisei's tests need, on Debian. Used by .ci/run and by the
# README's test command (`scripts/setup-system.sh && npm ci && npm test`). Installs each only when it
# is missing, so a second run does no apt work:
#   libvulkan1 + mesa-vulkan-drivers (Mesa >= 24)  lavapipe, the software Vulkan driver that runs the
#                                                  WGSL kernels on a machine without a GPU; Dawn
#                                                  rejects bookworm's Mesa 22.3, so on bookworm Mesa
#                                                  comes from bookworm-backports
#   tmux                                           the live dashboard is tested in a real terminal
#   postgresql                                     the sweep tests start their own throw-away server
#                                                  (initdb + pg_ctl)
#   python3-torch, python3-numpy                   the PyTorch test referee, run by /usr/bin/python3
#   gpsshogi, fairy-stockfish                      USI engines the evaluation tests play against
#                                                  (/usr/games/gpsusi, /usr/games/fairy-stockfish)
#   chromium                                       the browser dashboard is tested in headless Chromium
#                                                  (driven by npm playwright-core)
#   gcc (with libc6-dev)                           builds the cpu backend's native AVX2/FMA kernels
#                                                  (npm ci runs scripts/build-native.ts)
#
# Usage: scripts/setup-system.sh                          install what is missing (as root, or via sudo)
#        scripts/setup-system.sh --sources-only [--root DIR]
#            only make sure a backports source exists (bookworm), reading and writing the apt sources
#            under DIR (default /); no apt. The tests use it on sample trees.
# Exit status: 0 done, 1 a command failed, 2 this machine needs a person (not Debian, no usable source).
set -euo pipefail

me=setup-system.sh
root=/
sources_only=0
while [ $# -gt 0 ]; do
  case $1 in
    --root) root=${2:?--root needs a directory}; shift 2 ;;
    --root=*) root=${1#--root=}; shift ;;
    --sources-only) sources_only=1; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "$me: unknown option '$1' (expected --sources-only, --root DIR)" >&2; exit 2 ;;
  esac
done
if [ "$root" != / ] && [ "$sources_only" = 0 ]; then
  echo "$me: --root only makes sense with --sources-only (apt installs into this machine)" >&2
  exit 2
fi
root=${root%/} # "" for /, so "$root/etc/..." is always one path

by_hand="libvulkan1, mesa-vulkan-drivers (Mesa >= 24), tmux, postgresql, python3-torch, python3-numpy, gpsshogi, fairy-stockfish, chromium, gcc"

# --- which Debian ------------------------------------------------------------------------------
os_release=$root/etc/os-release
[ -e "$os_release" ] || os_release=$root/usr/lib/os-release
# Read the two fields with sed rather than sourcing the file: under --root it is test data.
os_field() { [ -r "$os_release" ] && sed -nE "s/^$1=[\"']?([^\"']*)[\"']?\$/\\1/p" "$os_release" | head -n1; }
os_id=$(os_field ID || true)
codename=$(os_field VERSION_CODENAME || true)
if [ "$os_id" != debian ]; then
  echo "$me: this is not Debian (os-release ID=${os_id:-unknown}); install by hand: $by_hand" >&2
  exit 2
fi
if [ "$sources_only" = 0 ] && ! command -v apt-get >/dev/null; then
  echo "$me: no apt-get on this machine; install by hand: $by_hand" >&2
  exit 2
fi
case $codename in
  jessie | stretch | buster | bullseye)
    echo "$me: Debian $codename is older than bookworm and has no Mesa >= 24; upgrade, or install by hand: $by_hand" >&2
    exit 2 ;;
esac

# --- apt sources ---------------------------------------------------------------------------------
# Every active binary source, one "URI<TAB>SUITE<TAB>COMPONENTS" line per URI and suite, in the order
# apt reads them. Comments (including commented URLs such as the image's snapshot.debian.org lines),
# deb-src entries, disabled deb822 stanzas and files apt ignores are left out: the bug this script
# replaces grepped any URL in the files and took a commented, unreachable snapshot host.
sources_dir=$root/etc/apt
list_sources() {
  local f
  for f in "$sources_dir/sources.list" "$sources_dir"/sources.list.d/*.list "$sources_dir"/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    case $f in
      *.sources) # deb822: blank-line separated stanzas of "Field: value" lines
        awk '
          function has(list, word,   n, i, w) { n = split(list, w, /[ \t]+/); for (i = 1; i <= n; i++) if (w[i] == word) return 1; return 0 }
          function flush(   nu, ns, u, s, i, j) {
            if (has(f["types"], "deb") && tolower(f["enabled"]) !~ /^(no|false|off|0)$/) {
              nu = split(f["uris"], u, /[ \t]+/); ns = split(f["suites"], s, /[ \t]+/)
              for (i = 1; i <= nu; i++) for (j = 1; j <= ns; j++) if (u[i] != "" && s[j] != "") print u[i] "\t" s[j] "\t" f["components"]
            }
            split("", f); key = ""
          }
          /^#/ { next }                    # a comment line, also inside a stanza
          /^[ \t]*$/ { flush(); next }     # a blank line ends a stanza
          /^[ \t]/ { if (key != "") f[key] = f[key] " " $0; next }   # continuation of a multi-line field
          {
            i = index($0, ":"); if (i == 0) next
            key = tolower(substr($0, 1, i - 1)); v = substr($0, i + 1)
            gsub(/^[ \t]+|[ \t]+$/, "", v); f[key] = v
          }
          END { flush() }
        ' "$f" ;;
      *) # one-line format: deb [options] URI SUITE COMPONENT...
        awk '
          { line = $0; sub(/#.*/, "", line) }                  # comments, whole-line or trailing
          line !~ /^[ \t]*deb[ \t]/ { next }                   # not a binary source (deb-src, blank, ...)
          {
            sub(/^[ \t]*deb[ \t]+/, "", line)
            if (line ~ /^\[/) sub(/^\[[^]]*\][ \t]*/, "", line) # [arch=... signed-by=...]
            n = split(line, w, /[ \t]+/); if (n < 2) next
            comps = ""; for (i = 3; i <= n; i++) comps = comps " " w[i]
            print w[1] "\t" w[2] "\t" comps
          }
        ' "$f" ;;
    esac
  done
}

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# On bookworm, make sure apt knows bookworm-backports: keep one that is already there (active, in
# either format), else add one on the mirror the machine's own bookworm source uses. Anything else
# (no active source for the codename) is a question for a person, not a guess.
ensure_backports_source() {
  local entries mirror target
  entries=$(list_sources)
  if awk -F'\t' -v s="$codename-backports" '$2 == s { found = 1 } END { exit !found }' <<<"$entries"; then
    echo "$me: $codename-backports source already present"
    return 0
  fi
  # The Debian mirror: a source for the release itself (not -security, not -updates alone) that
  # serves component main (the one backports is taken from), so a third-party repository that
  # names its suite after the codename (e.g. Docker's "bookworm stable") is not taken for it.
  mirror=$(awk -F'\t' -v s="$codename" '$2 == s && (" " $3 " ") ~ /[ \t]main[ \t]/ && $1 !~ /^cdrom:/ { print $1; exit }' <<<"$entries")
  if [ -z "$mirror" ]; then
    echo "$me: no active Debian source for $codename (a deb entry with suite $codename and component main) in $sources_dir/sources.list or $sources_dir/sources.list.d/*.list, *.sources; add one, or a $codename-backports source, and run again" >&2
    exit 2
  fi
  target=$sources_dir/sources.list.d/keisei-backports.sources
  printf 'Types: deb\nURIs: %s\nSuites: %s-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$mirror" "$codename" |
    if [ -w "$sources_dir/sources.list.d" ]; then cat >"$target"; else as_root tee "$target" >/dev/null; fi
  echo "$me: added $target ($codename-backports on $mirror)"
}

# Mesa >= 24 comes from backports on bookworm only; later releases carry it themselves.
backports=
[ "$codename" = bookworm ] && backports=$codename-backports

if [ "$sources_only" = 1 ]; then
  if [ -n "$backports" ]; then ensure_backports_source; else echo "$me: Debian ${codename:-testing/unstable} has Mesa >= 24 itself; no backports source needed"; fi
  exit 0
fi

# --- what is missing -----------------------------------------------------------------------------
installed() { [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]; }
mesa_version() { installed mesa-vulkan-drivers && dpkg-query -W -f='${Version}' mesa-vulkan-drivers; }
mesa_major() { mesa_version | sed -E 's/^([0-9]+:)?([0-9]+).*/\2/'; }
has_initdb() { command -v initdb >/dev/null || compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; }

vulkan=() plain=() python=()
installed libvulkan1 || vulkan+=(libvulkan1)
[ "$(mesa_major || echo 0)" -ge 24 ] || vulkan+=(mesa-vulkan-drivers)
command -v tmux >/dev/null || plain+=(tmux)
has_initdb || plain+=(postgresql)
for p in python3-torch python3-numpy; do installed "$p" || python+=("$p"); done
for p in gpsshogi fairy-stockfish; do installed "$p" || plain+=("$p"); done
command -v chromium >/dev/null || plain+=(chromium)
{ command -v cc >/dev/null && [ -e /usr/include/stdlib.h ]; } || plain+=(gcc libc6-dev)

missing=("${vulkan[@]}" "${plain[@]}" "${python[@]}")
if [ ${#missing[@]} = 0 ]; then
  echo "$me: nothing to install (mesa-vulkan-drivers $(mesa_version), tmux, postgresql, python3-torch, python3-numpy, gpsshogi, fairy-stockfish, chromium, gcc present)"
  exit 0
fi
echo "$me: installing ${missing[*]}"
if [ "$(id -u)" != 0 ] && ! command -v sudo >/dev/null; then
  echo "$me: must run as root, or with sudo installed, to install packages" >&2
  exit 2
fi

# --- install -------------------------------------------------------------------------------------
apt_get() { as_root env DEBIAN_FRONTEND=noninteractive apt-get "$@"; }
[ ${#vulkan[@]} = 0 ] || [ -z "$backports" ] || ensure_backports_source
apt_get update -qq
if [ ${#vulkan[@]} != 0 ]; then
  # -t raises the backports pin for this command only: Mesa and the libraries it needs come from
  # there, everything else stays on the release.
  apt_get install -y -qq ${backports:+-t "$backports"} libvulkan1 mesa-vulkan-drivers
fi
[ ${#plain[@]} = 0 ] || apt_get install -y -qq "${plain[@]}"
# The referee needs only the Python modules, not torch's recommended build tool chain.
[ ${#python[@]} = 0 ] || apt_get install -y -qq --no-install-recommends "${python[@]}"

if [ "$(mesa_major || echo 0)" -lt 24 ]; then
  echo "$me: mesa-vulkan-drivers is $(mesa_version || echo missing) after install; Dawn needs Mesa >= 24" >&2
  exit 1
fi
echo "$me: done (mesa-vulkan-drivers $(mesa_version))"
