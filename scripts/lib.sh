# Shared by the scripts in this folder: where things are, and how to build the distribution.
# shellcheck shell=bash
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VERSION=$(sed -n 's:^  <version>\(.*\)</version>:\1:p' "$REPO/pom.xml" | head -n1)
DIST="$REPO/modules/daemon/target/replyd-$VERSION/replyd-$VERSION"
STAMP="$REPO/modules/daemon/target/.dist-stamp"

# Runs Maven, serialised with other builds on this machine when flock is available (2 cores).
mvn_locked() {
  if command -v flock >/dev/null 2>&1; then
    flock /tmp/replyd-mvn.lock mvn "$@"
  else
    mvn "$@"
  fi
}

# Installs the Debian packages named, if any is missing (as root, or through sudo).
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  echo "installing Debian packages: ${missing[*]}" >&2
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# Builds the distribution when it is missing or older than any source, pom or config file.
ensure_dist() {
  if [ -x "$DIST/bin/replyd" ] && [ -f "$STAMP" ] && \
     [ -z "$(find "$REPO/pom.xml" "$REPO/modules" "$REPO/config" "$REPO/systemd" "$REPO/docs" \
              -newer "$STAMP" -not -path '*/target/*' -print -quit 2>/dev/null)" ]; then
    return 0
  fi
  command -v mvn >/dev/null 2>&1 || apt_install maven
  echo "building replyd (mvn package, tests skipped)..." >&2
  (cd "$REPO" && mvn_locked -B -q -DskipTests package) >&2
  touch "$STAMP"
}
