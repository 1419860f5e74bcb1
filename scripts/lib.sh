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

# Exim 4 for the CHUNKING interoperability test (EximRelayTest). exim4-daemon-light conflicts with
# postfix as a Debian package (both are the mail-transport-agent), so it is unpacked, not installed,
# under target/exim4 with the libraries it needs and its compiled-in user, Debian-exim; the test finds
# the binary in REPLYD_TEST_EXIM (the test is skipped, not failed, when this does not work).
exim_unpacked() {
  local dir="$REPO/target/exim4" sudo=
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  if [ ! -x "$dir/usr/sbin/exim4" ]; then
    apt_install libidn12 libidn2-0 libgnutls-dane0 libgnutls30 libdb5.3 libnsl2 libpcre2-8-0 libcrypt1
    mkdir -p "$dir"
    if ! (cd "$dir" && apt-get download -qq exim4-daemon-light >&2 && dpkg -x exim4-daemon-light_*.deb . \
          && rm -f exim4-daemon-light_*.deb); then
      echo "warning: could not unpack exim4-daemon-light; EximRelayTest will be skipped" >&2
      return 0
    fi
  fi
  getent passwd Debian-exim >/dev/null || \
    $sudo useradd --system --user-group --no-create-home --shell /usr/sbin/nologin Debian-exim
  export REPLYD_TEST_EXIM="$dir/usr/sbin/exim4"
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
