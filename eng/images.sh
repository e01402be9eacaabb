#!/usr/bin/env bash
# Builds HeartRule's OCI images offline and serves them from a registry of our own on 127.0.0.1
# (docs/deploy.md). Nothing comes from a public registry: the base is Debian bookworm made here with debootstrap,
# the services are put on it by the .NET SDK's container support, and PostgreSQL, Redis and RabbitMQ are Debian's
# packages on the same base.
#   ./eng/images.sh [all]     everything below, in order
#   ./eng/images.sh setup     install podman, runc, debootstrap, docker-registry; write podman's configuration
#   ./eng/images.sh registry  start the registry (127.0.0.1:$HEARTRULE_REGISTRY_PORT, default 5100), if not running
#   ./eng/images.sh base      the Debian base and the ASP.NET Core runtime image (rebuilt with --rebuild)
#   ./eng/images.sh infra     postgres, redis, rabbitmq; haproxy (the AppHost's container mode puts it in front)
#   ./eng/images.sh services  the four services, tagged with the git commit
#   ./eng/images.sh sizes     a Markdown table of every image's size
#   ./eng/images.sh tag       print the tag the images of this tree get
#   ./eng/images.sh stop      stop the registry
# Images and the registry's storage live in .images/ (git-ignored).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

port=${HEARTRULE_REGISTRY_PORT:-5100}
registry=127.0.0.1:$port
work=$root/.images
suite=bookworm
mirror=${HEARTRULE_DEBIAN_MIRROR:-http://deb.debian.org/debian}
# The commit the images are built from; a build from a changed tree says so rather than pass for that commit.
tag=${HEARTRULE_IMAGE_TAG:-$(git rev-parse --short=12 HEAD)$(git diff --quiet HEAD -- . ':!docs' || echo -dirty)}
# The ASP.NET Core runtime the services run on: the one the SDK here brings (the services are framework-dependent,
# so the four images share it as one layer).
aspnet_version=$(dotnet --list-runtimes | sed -n 's/^Microsoft.AspNetCore.App \([0-9.]*\) .*/\1/p' | sort -V | tail -n 1)
dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
# The user every image runs as, as Microsoft's .NET images name it (APP_UID).
app_uid=1654

log() { echo "images: $*"; }

# --- setup -----------------------------------------------------------------------------------------------------

# Writes "key = value" into a section of a TOML file unless the key is already set there; says what it did.
toml_default() {
  local file=$1 section=$2 key=$3 value=$4
  [ -f "$file" ] || touch "$file"
  if awk -v s="[$section]" -v k="$key" '
      /^[[:space:]]*\[/ { in_s = ($0 ~ "^[[:space:]]*\\[" substr(s, 2, length(s) - 2) "\\][[:space:]]*$") }
      in_s && $0 ~ "^[[:space:]]*" k "[[:space:]]*=" { found = 1 }
      END { exit !found }' "$file"; then
    log "$file: [$section] $key already set, left as it is"
    return
  fi
  if grep -q "^[[:space:]]*\[$section\][[:space:]]*$" "$file"; then
    sed -i "/^[[:space:]]*\[$section\][[:space:]]*$/a $key = $value" "$file"
  else
    printf '\n[%s]\n%s = %s\n' "$section" "$key" "$value" >> "$file"
  fi
  log "$file: [$section] $key = $value (was missing)"
}

setup() {
  local missing=()
  command -v podman > /dev/null || missing+=(podman)
  command -v runc > /dev/null || missing+=(runc)
  command -v debootstrap > /dev/null || missing+=(debootstrap)
  [ -x /usr/bin/docker-registry ] || missing+=(docker-registry)
  # podman builds need these and Debian's podman only recommends them.
  command -v slirp4netns > /dev/null || missing+=(slirp4netns)
  [ -x /usr/lib/podman/netavark ] || [ -x /usr/libexec/podman/netavark ] || missing+=(netavark aardvark-dns)
  command -v fuse-overlayfs > /dev/null || missing+=(fuse-overlayfs)
  command -v skopeo > /dev/null || missing+=(skopeo)
  # A pod's infra container runs it.
  command -v catatonit > /dev/null || missing+=(catatonit)
  command -v curl > /dev/null || missing+=(curl)
  command -v iptables > /dev/null || missing+=(iptables)
  if [ ${#missing[@]} -gt 0 ]; then
    [ "$(id -u)" -eq 0 ] || { log "missing ${missing[*]}; installing needs root"; exit 1; }
    log "installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
  # What podman from Debian needs to run containers on this kind of machine (no systemd, no crun): runc, plain
  # cgroupfs, events to a file, and ulimits that fit inside the machine's own (the default asks for more).
  mkdir -p /etc/containers
  local conf=/etc/containers/containers.conf
  toml_default "$conf" engine runtime '"runc"'
  toml_default "$conf" engine cgroup_manager '"cgroupfs"'
  toml_default "$conf" engine events_logger '"file"'
  toml_default "$conf" containers default_ulimits '["nofile=20000:20000", "nproc=32768:32768"]'
  # Our registry speaks plain HTTP on loopback.
  mkdir -p /etc/containers/registries.conf.d
  local reg=/etc/containers/registries.conf.d/50-heartrule.conf
  if [ ! -f "$reg" ] || ! grep -q "\"$registry\"" "$reg"; then
    printf '[[registry]]\nlocation = "%s"\ninsecure = true\n' "$registry" > "$reg"
    log "$reg: $registry marked insecure (plain HTTP on loopback)"
  fi
}

# --- registry --------------------------------------------------------------------------------------------------

registry_up() { curl -fsS "http://$registry/v2/" > /dev/null 2>&1; }

registry() {
  registry_up && { log "registry already serving on $registry"; return; }
  mkdir -p "$work/registry/storage"
  cat > "$work/registry/config.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $work/registry/storage
  delete:
    enabled: true
http:
  addr: $registry
EOF
  setsid /usr/bin/docker-registry serve "$work/registry/config.yml" > "$work/registry/log" 2>&1 < /dev/null &
  echo $! > "$work/registry/pid"
  for _ in $(seq 50); do registry_up && { log "registry serving on $registry (pid $(cat "$work/registry/pid"))"; return; }; sleep 0.2; done
  log "the registry did not start; see $work/registry/log"; exit 1
}

stop() {
  [ -f "$work/registry/pid" ] || { log "no registry of ours is running"; return; }
  kill "$(cat "$work/registry/pid")" 2>/dev/null || true
  rm -f "$work/registry/pid"
  log "registry stopped"
}

has_image() { skopeo inspect --tls-verify=false "docker://$1" > /dev/null 2>&1; }

push() { podman push --quiet --tls-verify=false "$1" > /dev/null; log "pushed $1"; }

# --- base ------------------------------------------------------------------------------------------------------

base() {
  local debian=$registry/heartrule/debian:$suite aspnet=$registry/heartrule/aspnet:$aspnet_version
  if [ "${1:-}" = --rebuild ] || ! has_image "$debian"; then
    local rootfs=$work/rootfs
    rm -rf "$rootfs"
    log "debootstrap $suite (minbase) from $mirror"
    # ca-certificates: TLS to an LLM endpoint or a managed database. The services need no ICU (invariant
    # globalization) and nothing else beyond minbase.
    debootstrap --variant=minbase --include=ca-certificates "$suite" "$rootfs" "$mirror" > "$work/debootstrap.log"
    cat > "$rootfs/etc/apt/sources.list" <<EOF
deb $mirror $suite main
deb $mirror $suite-updates main
deb ${mirror%/debian}/debian-security $suite-security main
EOF
    # Smaller images: no documentation or locales, and no package lists left behind.
    cat > "$rootfs/etc/dpkg/dpkg.cfg.d/01-nodoc" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
EOF
    echo 'APT::Install-Recommends "false";' > "$rootfs/etc/apt/apt.conf.d/01-norecommends"
    # A package's maintainer scripts must not start its service inside an image build (there is no init).
    printf '#!/bin/sh\nexit 101\n' > "$rootfs/usr/sbin/policy-rc.d"
    chmod +x "$rootfs/usr/sbin/policy-rc.d"
    rm -rf "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* \
      "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/* \
      "$rootfs"/var/log/*.log "$rootfs"/var/log/apt/* "$rootfs"/var/cache/debconf/*-old
    tar --numeric-owner -C "$rootfs" -c . | podman import --quiet \
      --change 'CMD ["/bin/bash"]' --change 'ENV LANG=C.UTF-8' - "$debian" > /dev/null
    rm -rf "$rootfs"
    push "$debian"
  else
    log "$debian is in the registry (--rebuild to make it again)"
  fi

  if [ "${1:-}" = --rebuild ] || ! has_image "$aspnet"; then
    local ctx=$work/aspnet
    rm -rf "$ctx"
    mkdir -p "$ctx/dotnet/shared" "$ctx/dotnet/host"
    # The runtime only (host, hostfxr, Microsoft.NETCore.App, Microsoft.AspNetCore.App): no SDK in the image.
    cp -a "$dotnet_root/dotnet" "$ctx/dotnet/"
    cp -a "$dotnet_root/host/fxr" "$ctx/dotnet/host/"
    for fx in Microsoft.NETCore.App Microsoft.AspNetCore.App; do
      mkdir -p "$ctx/dotnet/shared/$fx"
      cp -a "$dotnet_root/shared/$fx/$aspnet_version" "$ctx/dotnet/shared/$fx/"
    done
    cp eng/images/aspnet/Containerfile "$ctx/"
    podman build --quiet --network none --build-arg "BASE=$debian" --build-arg "APP_UID=$app_uid" -t "$aspnet" "$ctx" > /dev/null
    rm -rf "$ctx"
    push "$aspnet"
  else
    log "$aspnet is in the registry"
  fi
}

# --- infrastructure --------------------------------------------------------------------------------------------

# An image of a clean commit is built once; a tree with changes (-dirty) is built every time.
built() {
  if [[ $tag != *-dirty ]] && has_image "$1"; then log "$1 is in the registry"; return 0; fi
  return 1
}

infra() {
  local name
  for name in postgres redis rabbitmq haproxy; do
    local image=$registry/heartrule/$name:$tag
    built "$image" && continue
    # The package install needs Debian's mirror, the only network the build reaches (host networking).
    podman build --quiet --network host --build-arg "BASE=$registry/heartrule/debian:$suite" \
      -t "$image" "eng/images/$name" > /dev/null
    push "$image"
  done
}

# --- services --------------------------------------------------------------------------------------------------

services() {
  local project name
  for project in services/*/HeartRule.*.csproj; do
    name=$(basename "$project" .csproj | sed 's/^HeartRule\.//' | tr '[:upper:]' '[:lower:]')
    built "$registry/heartrule/$name:$tag" && continue
    # DOTNET_CONTAINER_INSECURE_REGISTRIES: the SDK talks plain HTTP to our loopback registry.
    DOTNET_CONTAINER_INSECURE_REGISTRIES=$registry dotnet publish "$project" -c Release -nologo -v quiet \
      /t:PublishContainer \
      -p:ContainerBaseImage="$registry/heartrule/aspnet:$aspnet_version" \
      -p:ContainerRegistry="$registry" \
      -p:ContainerRepository="heartrule/$name" \
      -p:ContainerImageTags="$tag" \
      -p:ContainerUser="$app_uid" \
      -p:ContainerLabel=org.opencontainers.image.revision="$(git rev-parse HEAD)" > "$work/publish-$name.log" \
      || { cat "$work/publish-$name.log"; exit 1; }
    log "pushed $registry/heartrule/$name:$tag"
  done
}

# --- sizes -----------------------------------------------------------------------------------------------------

sizes() {
  echo "| Image | Compressed (registry) | Unpacked |"
  echo "|---|---|---|"
  local image ref
  for image in debian:$suite aspnet:$aspnet_version postgres:$tag redis:$tag rabbitmq:$tag haproxy:$tag \
               persistence:$tag scriptengine:$tag sessions:$tag gateway:$tag; do
    ref=$registry/heartrule/$image
    has_image "$ref" || continue
    local compressed unpacked
    # The layers' sizes as the registry stores them (compressed), from the manifest.
    compressed=$(skopeo inspect --tls-verify=false --raw "docker://$ref" | tr -d ' \n' | sed 's/.*"layers"://' \
      | grep -o '"size":[0-9]*' | cut -d: -f2 | awk '{ s += $1 } END { print s + 0 }')
    podman pull --quiet --tls-verify=false "$ref" > /dev/null
    unpacked=$(podman image inspect --format '{{.Size}}' "$ref")
    printf '| heartrule/%s | %s MB | %s MB |\n' "$image" \
      "$(( (compressed + 500000) / 1000000 ))" "$(( (unpacked + 500000) / 1000000 ))"
  done
}

case "${1:-all}" in
  setup) setup ;;
  registry) setup; registry ;;
  base) setup; registry; base "${2:-}" ;;
  infra) setup; registry; infra ;;
  services) setup; registry; services ;;
  sizes) sizes ;;
  tag) echo "$tag" ;;
  stop) stop ;;
  all) setup; registry; base "${2:-}"; infra; services; sizes ;;
  *) sed -n '2,15p' "$0"; exit 2 ;;
esac
