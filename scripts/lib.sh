# Shared by the launcher (./asyncio4j) and bench/run: finding a JDK 21+ and the engine's JVM flag.
# Source it; it defines functions and variables only (use_jdk does the work).

# The fast engine's JVM option (the Continuation engine); one word, so it can be passed as one argument.
# The Maven build spells it once more, as the property fast.engine.flag in pom.xml.
FAST_FLAG="--add-exports=java.base/jdk.internal.vm=ALL-UNNAMED"

# The lookup runs on every command, so it forks as little as it can: the functions below return through variables,
# not through $(...), and read files with bash's own `read` (left: one readlink for the java on PATH when JAVA_HOME
# is not a JDK 21+).

jdk_version_of() {  # sets JDK_VERSION to the feature version of the JDK at $1, or to "" if it is not a JDK
  local home="$1" line
  JDK_VERSION=""
  [[ -x "$home/bin/java" && -x "$home/bin/javac" ]] || return 0
  # A JDK's `release` file names its version: reading it costs nothing, where starting a JVM to ask costs ~100 ms
  # per JDK (and the launcher asks for every JDK it finds, on every command). Ask the JVM only without the file.
  if [[ -f "$home/release" ]]; then
    while IFS= read -r line; do
      if [[ "$line" =~ ^JAVA_VERSION=\"(1\.)?([0-9]+) ]]; then JDK_VERSION="${BASH_REMATCH[2]}"; break; fi
    done < "$home/release"
  fi
  if [[ -z "$JDK_VERSION" ]]; then
    JDK_VERSION=$("$home/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n1)
  fi
  [[ "$JDK_VERSION" =~ ^1\.([0-9]+)$ ]] && JDK_VERSION="${BASH_REMATCH[1]}"
  [[ "$JDK_VERSION" =~ ^[0-9]+$ ]] || JDK_VERSION=""
  return 0
}

find_jdk() {  # sets JDK_HOME and JDK_VERSION: JAVA_HOME if it is a JDK 21+, else the newest JDK 21+ found; fails with a message
  local candidates=() best="" best_v=0 c looked=() java
  # JAVA_HOME wins when it is new enough; otherwise the newest JDK found.
  if [[ -n "${JAVA_HOME:-}" ]]; then
    jdk_version_of "$JAVA_HOME"
    if [[ -n "$JDK_VERSION" && "$JDK_VERSION" -ge 21 ]]; then JDK_HOME="$JAVA_HOME"; return 0; fi
    candidates+=("$JAVA_HOME")
  fi
  for c in /usr/lib/jvm/* /usr/local/lib/jvm/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/*; do
    [[ -d "$c" && ! -L "$c" ]] && candidates+=("$c")
  done
  if java="$(command -v java 2>/dev/null)"; then
    java="$(readlink -f "$java")"
    candidates+=("${java%/bin/java}")
  fi
  for c in "${candidates[@]}"; do
    jdk_version_of "$c"
    looked+=("$c${JDK_VERSION:+ (Java $JDK_VERSION)}")
    if [[ -n "$JDK_VERSION" && "$JDK_VERSION" -ge 21 && "$JDK_VERSION" -gt "$best_v" ]]; then best="$c"; best_v="$JDK_VERSION"; fi
  done
  if [[ -z "$best" ]]; then
    {
      echo "asyncio4j: no JDK 21 or newer found (it needs java and javac, version 21+)."
      echo "Looked at:"
      printf '  %s\n' "${looked[@]:-nothing}"
      echo "Install one (e.g. 'apt-get install openjdk-21-jdk-headless' or a Temurin JDK) or set JAVA_HOME to it."
    } >&2
    return 1
  fi
  JDK_HOME="$best"
  JDK_VERSION="$best_v"
}

use_jdk() {  # exports JAVA_HOME (find_jdk), PATH and MAVEN_OPTS for it, sets JDK_VERSION; exits if there is none
  find_jdk || exit 1
  export JAVA_HOME="$JDK_HOME"
  export PATH="$JAVA_HOME/bin:$PATH"
  if [[ "${MAVEN_OPTS:-}" != *--sun-misc-unsafe-memory-access* && "$JDK_VERSION" -ge 24 ]]; then
    # Maven's own libraries trip JDK 24+'s sun.misc.Unsafe warnings; they are not ours.
    export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
  fi
}

# The JVM flags of the engine ASYNCIO4J_ENGINE selects (fast unless "fallback"); unquoted where used: one word or none.
if [[ "${ASYNCIO4J_ENGINE:-fast}" == "fallback" ]]; then ENGINE_FLAGS=""; else ENGINE_FLAGS="$FAST_FLAG"; fi

# --- Debian packages a command needs (the test suite's real servers, the benchmarks' peers) ----------------------
# One copy of the install step, for the launcher's `test` and bench/peers/install: apt-get as root, or through sudo
# when it needs no password; anywhere else the caller says what to run by hand.

pkg_present() {  # pkg_present PACKAGE [EXECUTABLE]: installed per dpkg, or (no dpkg) EXECUTABLE found
  local pkg="$1" exe="${2:-}" status
  if command -v dpkg-query >/dev/null 2>&1; then
    status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" || status=""
    [[ "$status" == *" ok installed" ]] && return 0
  fi
  [[ -n "$exe" ]] && { command -v "$exe" >/dev/null 2>&1 || [[ -x "/usr/sbin/$exe" || -x "/usr/bin/$exe" ]]; }
}

APT_SUDO=unset
apt_can_install() {  # sets APT_SUDO ("" as root, "sudo -n" with password-less sudo); fails if neither, or no apt-get
  command -v apt-get >/dev/null 2>&1 || return 1
  if [[ "$APT_SUDO" == unset ]]; then
    if [[ "$(id -u)" -eq 0 ]]; then APT_SUDO=""
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then APT_SUDO="sudo -n"
    else return 1
    fi
  fi
}

apt_install() {  # apt_install PACKAGE...: installs them (the package lists updated once per run); output to stderr
  apt_can_install || return 1
  if [[ -z "${APT_UPDATED:-}" ]]; then
    $APT_SUDO apt-get update -qq >&2 || return 1
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive $APT_SUDO apt-get install -y -qq "$@" >&2
}

require_packages() {  # require_packages LISTFILE: every package the file names is installed, or one line and fail
  local list="$1" pkg exe rest missing=()
  while read -r pkg exe rest; do
    [[ -z "$pkg" || "$pkg" == \#* ]] && continue
    [[ "$exe" == \#* ]] && exe=""
    pkg_present "$pkg" "$exe" || missing+=("$pkg")
  done < "$list"
  [[ ${#missing[@]} -eq 0 ]] && return 0
  if apt_can_install; then
    echo "asyncio4j: installing what the tests need: ${missing[*]} (apt-get) ..." >&2
    apt_install "${missing[@]}" && return 0
    echo "asyncio4j: 'apt-get install ${missing[*]}' failed (output above); the tests need it." >&2
    return 1
  fi
  echo "asyncio4j: the tests need the package(s) ${missing[*]}; install them with: sudo apt-get install -y ${missing[*]}" >&2
  return 1
}

require_npm() {  # require_npm ROOT: `npm ci` in each */src/test/node whose node_modules is missing or older than its lock
  local root="$1" lock dir stamp
  for lock in "$root"/*/src/test/node/package-lock.json; do
    [[ -f "$lock" ]] || continue
    dir="${lock%/package-lock.json}"
    stamp="$dir/node_modules/.package-lock.json"      # npm writes it at every install
    if [[ ! -f "$stamp" || "$lock" -nt "$stamp" ]]; then
      echo "asyncio4j: installing the Node test peers of ${dir#"$root"/} (npm ci) ..." >&2
      if ! (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) >&2; then
        echo "asyncio4j: 'npm ci' in ${dir#"$root"/} failed (output above); the tests need it." >&2
        return 1
      fi
    fi
  done
}
