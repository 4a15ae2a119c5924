#!/usr/bin/env bash
# Installs what the local stack needs and is missing: Debian packages
# (Postgres, Redis, and Java/Maven if absent), the Kafka broker's jars, and the
# npm dependencies. Each step checks first and is a no-op when done, so this
# runs on every `npm start` / `npm test` at almost no cost.
#   infra/local/install.sh
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

KAFKA_POM="$INFRA_DIR/kafka/pom.xml"
KAFKA_LIBS="$DATA_DIR/kafka/libs"
KAFKA_MARKER="$KAFKA_LIBS/.resolved-pom.sha256"

# ---------------------------------------------------------------- Debian ----

missing_debian_packages() {
  local -a missing=()
  compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' >/dev/null || missing+=(postgresql)
  command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1 || missing+=(redis-server)
  command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jre-headless)
  command -v mvn >/dev/null 2>&1 || missing+=(maven)
  # The browser tests drive Debian's chromium (Playwright's own browser download is not reachable).
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  # The cluster profile (`npm run start:cluster`) puts HAProxy in front of each service's replicas.
  command -v haproxy >/dev/null 2>&1 || missing+=(haproxy)
  printf '%s\n' "${missing[@]}"
}

install_debian_packages() {
  local -a pkgs
  mapfile -t pkgs < <(missing_debian_packages | sed '/^$/d')
  if ((${#pkgs[@]} == 0)); then
    return 0
  fi
  local sudo=()
  if ((EUID != 0)); then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo=(sudo -n)
    else
      die "install: missing Debian packages (${pkgs[*]}); install them as root: apt-get install ${pkgs[*]}"
    fi
  fi
  log "install: Debian packages ${pkgs[*]}"
  # The packages' own services must not start: Debian's redis would take
  # port 6379 and its postgres cluster 5432, which our own servers (with data
  # in the checkout) use. policy-rc.d answering 101 is Debian's documented way
  # to say "do not start services" to invoke-rc.d; a file already there (as
  # in container images) is left as it is.
  local policy=/usr/sbin/policy-rc.d created_policy=0
  if [[ ! -e "$policy" ]]; then
    printf '#!/bin/sh\n# Temporary, from infra/local/install.sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
    "${sudo[@]}" chmod 755 "$policy"
    created_policy=1
    # Removed even if apt is interrupted: left behind, it would silently stop
    # every later package from starting its service on this machine.
    # shellcheck disable=SC2064 # expand now: the locals are gone at exit
    trap "${sudo[*]} rm -f $policy" EXIT
  fi
  local rc=0
  {
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
      "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        --no-install-recommends -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
        "${pkgs[@]}" </dev/null
  } >"$LOG_DIR/apt.log" 2>&1 || rc=$?
  if ((created_policy)); then
    "${sudo[@]}" rm -f "$policy"
    trap - EXIT
  fi
  if ((rc != 0)); then
    show_log_tail "$LOG_DIR/apt.log"
    die "install: apt-get failed for ${pkgs[*]} (exit $rc)"
  fi
  local -a still
  mapfile -t still < <(missing_debian_packages | sed '/^$/d')
  ((${#still[@]} == 0)) || die "install: still missing after apt-get: ${still[*]}"
}

# ----------------------------------------------------------------- Kafka ----

pom_hash() { sha256sum "$KAFKA_POM" | cut -d' ' -f1; }

jar_list() { (cd "$1" && find . -maxdepth 1 -name '*.jar' -printf '%f %s\n' | sort); }

install_kafka_jars() {
  local want
  want="$(pom_hash)"
  if [[ -f "$KAFKA_MARKER" && "$(<"$KAFKA_MARKER")" == "$want" ]]; then
    return 0
  fi
  log "install: resolving Kafka jars with Maven into $KAFKA_LIBS"
  # Resolve into a scratch folder and swap, so a failed or changed resolution
  # never leaves a mix of two Kafka versions on the broker's classpath.
  local tmp="$KAFKA_LIBS.tmp"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  if ! mvn -q -B -ntp -Dstyle.color=never -f "$KAFKA_POM" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$tmp" \
    >"$LOG_DIR/maven.log" 2>&1 </dev/null; then
    show_log_tail "$LOG_DIR/maven.log"
    die "install: Maven could not resolve the Kafka jars ($KAFKA_POM)"
  fi
  compgen -G "$tmp/kafka_2.13-*.jar" >/dev/null || die "install: Maven ran but no kafka_2.13 jar arrived in $tmp"
  # A pom edit that resolves to the very same jars changes nothing that runs.
  if [[ -d "$KAFKA_LIBS" ]] && cmp -s <(jar_list "$tmp") <(jar_list "$KAFKA_LIBS"); then
    printf '%s\n' "$want" >"$KAFKA_MARKER"
    rm -rf "$tmp"
    return 0
  fi
  printf '%s\n' "$want" >"$tmp/.resolved-pom.sha256"
  # A running broker still reads classes from the old jars and would go on
  # serving the old version: stop it, and infra-up starts the new one.
  if "$INFRA_DIR/kafka.sh" status >/dev/null 2>&1; then
    log "install: the Kafka jars changed; stopping the running broker to swap them"
    "$INFRA_DIR/kafka.sh" down
  fi
  rm -rf "$KAFKA_LIBS"
  mv "$tmp" "$KAFKA_LIBS"
  # Jars changed: a class-data archive made from the old ones is useless.
  rm -f "$DATA_DIR"/kafka/kafka-*.jsa
}

# ------------------------------------------------------------------- npm ----

npm_stale() {
  [[ ! -d "$REPO_ROOT/node_modules" ]] && return 0
  [[ -f "$REPO_ROOT/package-lock.json" ]] || return 1
  # npm writes node_modules/.package-lock.json after package-lock.json on every
  # install, so a lockfile newer than it means someone changed dependencies
  # (a pull, a branch switch) since the last install here.
  [[ ! -f "$REPO_ROOT/node_modules/.package-lock.json" ]] && return 0
  [[ "$REPO_ROOT/package-lock.json" -nt "$REPO_ROOT/node_modules/.package-lock.json" ]]
}

install_npm() {
  npm_stale || return 0
  exec {npm_lock}>"$RUN_DIR/npm.lock"
  flock -w 600 "$npm_lock" || die "install: could not take $RUN_DIR/npm.lock"
  # Another run may have installed while we waited for the lock.
  npm_stale || return 0
  local cmd=(npm ci)
  [[ -f "$REPO_ROOT/package-lock.json" ]] || cmd=(npm install)
  log "install: ${cmd[*]} (node_modules missing or older than package-lock.json)"
  if ! (cd "$REPO_ROOT" && "${cmd[@]}" --no-audit --no-fund) >"$LOG_DIR/npm-install.log" 2>&1 </dev/null; then
    show_log_tail "$LOG_DIR/npm-install.log"
    die "install: ${cmd[*]} failed"
  fi
}

# ----------------------------------------------------------- console web ----

CONSOLE_WEB="$REPO_ROOT/services/operator-console/web"

# The sources the SPA is built from, and the lockfile (a dependency change changes the bundle).
console_web_hash() {
  (cd "$CONSOLE_WEB" && find src index.html vite.config.ts -type f -print0 | sort -z | xargs -0 sha256sum
    sha256sum "$REPO_ROOT/package-lock.json") | sha256sum | cut -d' ' -f1
}

# The operator console serves services/operator-console/web/dist: build it when it is missing or its
# sources changed since the last build (the hash is kept in dist/), so a fresh clone's `npm start` serves it.
build_console_web() {
  [[ -d "$CONSOLE_WEB/src" ]] || return 0
  local marker="$CONSOLE_WEB/dist/.source-hash" want
  want="$(console_web_hash)"
  [[ -f "$marker" && "$(<"$marker")" == "$want" ]] && return 0
  exec {web_lock}>"$RUN_DIR/console-web.lock"
  flock -w 300 "$web_lock" || die "install: could not take $RUN_DIR/console-web.lock"
  # Another run may have built while we waited for the lock.
  [[ -f "$marker" && "$(<"$marker")" == "$want" ]] && return 0
  log "install: building the operator console's web app (vite build)"
  if ! (cd "$CONSOLE_WEB" && "$REPO_ROOT/node_modules/.bin/node" "$REPO_ROOT/node_modules/vite/bin/vite.js" build) \
    >"$LOG_DIR/console-web-build.log" 2>&1 </dev/null; then
    show_log_tail "$LOG_DIR/console-web-build.log"
    die "install: the operator console's web app did not build"
  fi
  printf '%s\n' "$want" >"$marker"
}

# ------------------------------------------------------------ Helm tools ----

# The Helm chart's test (infra/helm/test) runs helm lint/template and checks the manifests with
# kubeconform against schemas made offline. Both tools are built from their Go modules (the Go module
# proxy is reachable where their release downloads are not) and cached under $DATA_DIR/tools; the
# schemas come from the k8s.io/kubernetes module's OpenAPI document and CloudNativePG's CRDs.
HELM_VERSION=v3.19.0
KUBECONFORM_VERSION=v0.7.0
K8S_SCHEMA_VERSION=v1.34.0
CNPG_VERSION=v1.27.0
TOOLS_DIR="$DATA_DIR/tools"

helm_tools_stamp() {
  printf '%s\n' "$HELM_VERSION" "$KUBECONFORM_VERSION" "$K8S_SCHEMA_VERSION" "$CNPG_VERSION"
  sha256sum "$REPO_ROOT/infra/helm/kube-schemas.ts" | cut -d' ' -f1
}

install_helm_tools() {
  local marker="$TOOLS_DIR/.stamp" want
  want="$(helm_tools_stamp)"
  if [[ -f "$marker" && "$(<"$marker")" == "$want" && -x "$TOOLS_DIR/bin/helm" && -x "$TOOLS_DIR/bin/kubeconform" ]]; then
    return 0
  fi
  local go
  go="$(command -v go || true)"
  [[ -z "$go" && -x /usr/local/go/bin/go ]] && go=/usr/local/go/bin/go
  [[ -n "$go" ]] || die "install: Go is needed to build helm and kubeconform (the Helm chart's test); install Go 1.24 or newer"
  log "install: building helm $HELM_VERSION and kubeconform $KUBECONFORM_VERSION into $TOOLS_DIR/bin"
  mkdir -p "$TOOLS_DIR/bin"
  local log_file="$LOG_DIR/helm-tools.log"
  # GOTOOLCHAIN=local: build with the Go that is here rather than fetch another.
  if ! {
    GOTOOLCHAIN=local GOBIN="$TOOLS_DIR/bin" "$go" install "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" &&
      GOTOOLCHAIN=local GOBIN="$TOOLS_DIR/bin" "$go" install "github.com/yannh/kubeconform/cmd/kubeconform@$KUBECONFORM_VERSION"
  } >"$log_file" 2>&1 </dev/null; then
    show_log_tail "$log_file"
    die "install: could not build helm or kubeconform"
  fi
  local k8s_dir cnpg_dir
  k8s_dir="$(GOTOOLCHAIN=local "$go" mod download -json "k8s.io/kubernetes@$K8S_SCHEMA_VERSION" 2>>"$log_file" | "$REPO_ROOT/node_modules/.bin/node" -p 'JSON.parse(require("fs").readFileSync(0, "utf8")).Dir')"
  cnpg_dir="$(GOTOOLCHAIN=local "$go" mod download -json "github.com/cloudnative-pg/cloudnative-pg@$CNPG_VERSION" 2>>"$log_file" | "$REPO_ROOT/node_modules/.bin/node" -p 'JSON.parse(require("fs").readFileSync(0, "utf8")).Dir')"
  [[ -f "$k8s_dir/api/openapi-spec/swagger.json" && -f "$cnpg_dir/config/crd/bases/postgresql.cnpg.io_clusters.yaml" ]] ||
    { show_log_tail "$log_file"; die "install: the Kubernetes or CloudNativePG module did not download"; }
  # Written aside and swapped, so a failed run never leaves half a schema folder.
  rm -rf "$TOOLS_DIR/kube-schemas.tmp"
  if ! "$REPO_ROOT/node_modules/.bin/node" "$REPO_ROOT/infra/helm/kube-schemas.ts" "$TOOLS_DIR/kube-schemas.tmp" \
    "$k8s_dir/api/openapi-spec/swagger.json" "$cnpg_dir/config/crd/bases/postgresql.cnpg.io_clusters.yaml" >>"$log_file" 2>&1; then
    show_log_tail "$log_file"
    die "install: could not write the Kubernetes schemas"
  fi
  rm -rf "$TOOLS_DIR/kube-schemas"
  mv "$TOOLS_DIR/kube-schemas.tmp" "$TOOLS_DIR/kube-schemas"
  printf '%s\n' "$want" >"$marker"
}

# ------------------------------------------------------------------ main ----

main() {
  ensure_dirs
  local t0
  t0="$(now_ms)"
  # npm does not depend on the Debian packages (the repo pins its own Node),
  # so on a fresh machine it runs beside apt and Maven instead of after them.
  local npm_pid="" npm_out="$RUN_DIR/install-npm.$$.out"
  if npm_stale; then
    install_npm >"$npm_out" 2>&1 &
    npm_pid=$!
  fi
  install_debian_packages
  install_kafka_jars
  if [[ -n "$npm_pid" ]]; then
    local rc=0
    wait "$npm_pid" || rc=$?
    cat "$npm_out" >&2
    rm -f "$npm_out"
    ((rc == 0)) || die "install: npm step failed"
  fi
  build_console_web
  install_helm_tools
  local elapsed=$(($(now_ms) - t0))
  if ((elapsed > 1000)); then
    log "install: done in $((elapsed / 1000)).$((elapsed % 1000 / 100))s"
  fi
}

main "$@"
