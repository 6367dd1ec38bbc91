# Shared by the launcher (./asyncio4j) and bench/run: finding a JDK 21+ and the engine's JVM flag.
# Source it; it defines functions and variables only (use_jdk does the work).

# The fast engine's JVM option (the Continuation engine); one word, so it can be passed as one argument.
# The Maven build spells it once more, as the property fast.engine.flag in pom.xml.
FAST_FLAG="--add-exports=java.base/jdk.internal.vm=ALL-UNNAMED"

jdk_version() {  # prints the feature version of the JDK at $1, or nothing
  local home="$1" v="" line
  [[ -x "$home/bin/java" && -x "$home/bin/javac" ]] || return 0
  # A JDK's `release` file names its version: reading it costs nothing, where starting a JVM to ask costs ~100 ms
  # per JDK (and the launcher asks for every JDK it finds, on every command). Ask the JVM only without the file.
  if [[ -f "$home/release" ]]; then
    while IFS= read -r line; do
      if [[ "$line" =~ ^JAVA_VERSION=\"(1\.)?([0-9]+) ]]; then v="${BASH_REMATCH[2]}"; break; fi
    done < "$home/release"
  fi
  [[ -z "$v" ]] && v=$("$home/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n1)
  [[ "$v" =~ ^1\.([0-9]+)$ ]] && v="${BASH_REMATCH[1]}"
  [[ "$v" =~ ^[0-9]+$ ]] && echo "$v"
  return 0
}

find_jdk() {  # prints JAVA_HOME if it is a JDK 21+, else the newest JDK 21+ found; fails with a message
  local candidates=() best="" best_v=0 c v looked=()
  [[ -n "${JAVA_HOME:-}" ]] && candidates+=("$JAVA_HOME")
  for c in /usr/lib/jvm/* /usr/local/lib/jvm/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/*; do
    [[ -d "$c" && ! -L "$c" ]] && candidates+=("$c")
  done
  if command -v java >/dev/null 2>&1; then
    c="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
    candidates+=("$c")
  fi
  # JAVA_HOME wins when it is new enough; otherwise the newest JDK found.
  if [[ -n "${JAVA_HOME:-}" ]]; then
    v="$(jdk_version "$JAVA_HOME")"
    if [[ -n "$v" && "$v" -ge 21 ]]; then echo "$JAVA_HOME"; return 0; fi
  fi
  for c in "${candidates[@]}"; do
    v="$(jdk_version "$c")"
    looked+=("$c${v:+ (Java $v)}")
    if [[ -n "$v" && "$v" -ge 21 && "$v" -gt "$best_v" ]]; then best="$c"; best_v="$v"; fi
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
  echo "$best"
}

use_jdk() {  # exports JAVA_HOME (find_jdk), PATH and MAVEN_OPTS for it; exits if there is none
  local home
  home="$(find_jdk)" || exit 1
  export JAVA_HOME="$home"
  export PATH="$JAVA_HOME/bin:$PATH"
  if [[ "${MAVEN_OPTS:-}" != *--sun-misc-unsafe-memory-access* && "$(jdk_version "$JAVA_HOME")" -ge 24 ]]; then
    # Maven's own libraries trip JDK 24+'s sun.misc.Unsafe warnings; they are not ours.
    export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
  fi
}

engine_flags() {  # the JVM flags of the engine ASYNCIO4J_ENGINE selects (fast unless "fallback")
  if [[ "${ASYNCIO4J_ENGINE:-fast}" == "fallback" ]]; then echo ""; else echo "$FAST_FLAG"; fi
}
