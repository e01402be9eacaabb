#!/usr/bin/env bash
# Kubernetes manifests from the AppHost's model (docs/deploy.md).
#   ./eng/deploy.sh render DIR [AppHost options]
#       writes DIR/app (the services, their generated Secrets, NetworkPolicies, the Ingress) and
#       DIR/dev-infrastructure (PostgreSQL, Redis, RabbitMQ as StatefulSets): the AppHost's publishing step
#       kubernetes-manifests. Images: HEARTRULE_IMAGE_REGISTRY (default 127.0.0.1:5100, eng/images.sh's registry)
#       and the tag eng/images.sh gives this tree. AppHost options, e.g. --Replicas:gateway 3,
#       --Ingress:Host chat.example.org, --Parameters:auth-signing-key KEY.
#       Rendering into the same DIR again keeps the generated secrets; never commit DIR.
#   ./eng/deploy.sh play [--keep]
#       plays the rendered manifests for real on this machine: builds the images (eng/images.sh), renders into
#       .images/play/manifests, generates the local overlay (podman pods on one network, tools/HeartRule.Play), runs
#       it with podman kube play, puts nginx from Debian in front as ingress-nginx would (TLS with a certificate
#       made for the run), plays the load-test check-in over wss:// while every service's pods are stopped (SIGTERM)
#       and started again, one after the other, each during a turn; checks nothing was lost or doubled, then opens
#       200 WebSockets interleaved with HTTP requests.
#       Tears everything down at the end unless --keep (then ./eng/deploy.sh down).
#   ./eng/deploy.sh container-mode
#       the AppHost's container mode on these images, the whole system in containers under podman (--Infrastructure
#       containers --Services containers --Images:Registry … --Images:Tag …: Aspire's AddPostgres/AddRedis/AddRabbitMQ,
#       a container per service replica, HAProxy in front of the two gateways), and the load-test check-in against
#       it, checked to have been started by a gateway container; stops it and removes its volumes at the end.
#   ./eng/deploy.sh stop-pod NAME      stop a played pod as the kubelet does (SIGTERM, at most its grace period)
#   ./eng/deploy.sh start-pod NAME     start it again; returns once it is ready
#   ./eng/deploy.sh down               remove the played pods, their volumes and nginx
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

usage() { sed -n '2,25p' "$0"; exit 2; }

play_dir=$root/.images/play
network=heartrule-play

# Waits until something answers: a TCP port, or a service's /health on its health port (published), as a probe asks.
wait_for() {
  local what=$1 check=$2
  for _ in $(seq 240); do eval "$check" > /dev/null 2>&1 && return 0; sleep 0.5; done
  echo "deploy: $what did not become ready" >&2
  return 1
}

port_of() { sed -n "s/^$1=//p" "$play_dir/overlay/ports.env"; }

ready() {
  local pod=$1 port
  if port=$(port_of "$pod.health") && [ -n "$port" ]; then
    wait_for "$pod" "curl -fsS http://127.0.0.1:$port/health"
  else
    port=$(sed -n "s/^$pod\.[a-z]*=//p" "$play_dir/overlay/ports.env" | head -n 1)
    wait_for "$pod" "bash -c 'exec 3<>/dev/tcp/127.0.0.1/$port'"
  fi
}

# As the kubelet stops a pod's container: SIGTERM, then SIGKILL if it is still running after the grace period (a
# failure here: nothing may need it). The pod's network stays up meanwhile (podman pod stop would take the network
# down with the infra container, and with it the goodbyes: the 1012 closes, the route clean-up). podman runs no
# preStop hook.
stop_pod() {
  local container=$1-${1%-[0-9]*} grace code
  grace=$(sed -n 's/^ *terminationGracePeriodSeconds: //p' "$play_dir/manifests/app/${1%-[0-9]*}.yaml" | head -n 1)
  podman stop --time "${grace:-30}" "$container" > /dev/null
  code=$(podman inspect --format '{{.State.ExitCode}}' "$container")
  [ "$code" != 137 ] || { echo "deploy: $1 did not stop within its grace period of ${grace:-30} s" >&2; return 1; }
}

# ... and as it starts it again: returns once the pod is ready.
start_pod() {
  podman start "$1-${1%-[0-9]*}" > /dev/null
  ready "$1"
}

down() {
  for file in services infrastructure; do
    [ -f "$play_dir/overlay/$file.yaml" ] && podman kube down "$play_dir/overlay/$file.yaml" > /dev/null 2>&1 || true
  done
  podman volume ls --format '{{.Name}}' | { grep '^heartrule-' || true; } | xargs -r podman volume rm -f > /dev/null
  if [ -f "$play_dir/overlay/nginx.pid" ]; then
    kill "$(cat "$play_dir/overlay/nginx.pid")" 2> /dev/null || true
    rm -f "$play_dir/overlay/nginx.pid"
  fi
  echo "deploy: played pods, volumes and nginx removed"
}

play() {
  local keep=0 start=$SECONDS
  [ "${1:-}" = --keep ] && keep=1
  command -v nginx > /dev/null && command -v openssl > /dev/null && command -v curl > /dev/null \
    || { DEBIAN_FRONTEND=noninteractive apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nginx-light openssl curl; }
  bash eng/images.sh all
  echo "deploy: images ready ($((SECONDS - start)) s)"

  down
  render "$play_dir/manifests" --Ingress:Host localhost > /dev/null
  dotnet build tools/HeartRule.Play -nologo -v quiet -clp:NoSummary
  rm -rf "$play_dir/overlay"
  dotnet run --project tools/HeartRule.Play --no-build -- overlay "$play_dir/manifests" "$play_dir/overlay"
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 \
    -keyout "$play_dir/overlay/tls.key" -out "$play_dir/overlay/tls.crt" 2> /dev/null
  podman network exists "$network" || podman network create "$network" > /dev/null
  echo "deploy: rendered and overlaid ($((SECONDS - start)) s)"

  # Servers first: the services' start-up (Persistence's migrations) needs them, as their readiness gates would.
  podman kube play --network "$network" "$play_dir/overlay/infrastructure.yaml" > /dev/null
  for pod in postgres redis messaging; do ready "$pod"; done
  podman kube play --network "$network" "$play_dir/overlay/services.yaml" > /dev/null
  for pod in $(sed -n 's/^\([a-z0-9-]*\)\.health=.*/\1/p' "$play_dir/overlay/ports.env"); do ready "$pod"; done
  # nginx's workers (nobody) write request bodies there.
  install -d -m 1777 "$play_dir/overlay/nginx-tmp"
  nginx -c "$play_dir/overlay/nginx.conf"
  echo "deploy: pods ready, nginx on https://localhost:$(port_of ingress.https) ($((SECONDS - start)) s)"

  local key status=0
  key=$(sed -n 's/^  auth-signing-key: //p' "$play_dir/manifests/app/secrets.yaml")
  dotnet run --project tools/HeartRule.Play --no-build -- converse --url "wss://localhost:$(port_of ingress.https)/ws" \
    --signing-key "$key" --pod-command "bash $root/eng/deploy.sh" || status=$?
  echo "deploy: played in $((SECONDS - start)) s"
  [ "$keep" = 1 ] || down
  return "$status"
}

render() {
  [ $# -ge 1 ] || usage
  local out
  out=$(realpath -m "$1"); shift
  local registry=${HEARTRULE_IMAGE_REGISTRY:-127.0.0.1:5100} tag
  tag=$(bash eng/images.sh tag)
  dotnet build HeartRule.AppHost -nologo -v quiet -clp:NoSummary
  # A deployment's environment (no launch profile: that is the local run's Development).
  env -u ASPNETCORE_ENVIRONMENT DOTNET_ENVIRONMENT=Production \
    dotnet run --project HeartRule.AppHost --no-build --no-launch-profile -- \
      --operation publish --step kubernetes-manifests --output-path "$out" \
      --Images:Registry "$registry" --Images:Tag "$tag" "$@"
}

container_mode() {
  local start=$SECONDS port=${HEARTRULE_GATEWAY_PORT:-15000} registry=${HEARTRULE_IMAGE_REGISTRY:-127.0.0.1:5100} tag status=0
  bash eng/images.sh all
  tag=$(bash eng/images.sh tag)
  dotnet build HeartRule.AppHost -nologo -v quiet -clp:NoSummary
  dotnet build tools/HeartRule.Play -nologo -v quiet -clp:NoSummary
  mkdir -p "$play_dir"
  # eng/run.sh's launch profile, on ports of their own so that a local run can go on beside it.
  (cd HeartRule.AppHost && exec env DOTNET_ENVIRONMENT=Development ASPNETCORE_ENVIRONMENT=Development \
    ASPNETCORE_URLS=http://127.0.0.1:18988 ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL=http://127.0.0.1:18989 \
    ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL=http://127.0.0.1:18990 ASPIRE_ALLOW_UNSECURED_TRANSPORT=true \
    DOTNET_ASPIRE_CONTAINER_RUNTIME=podman \
    dotnet bin/Debug/net10.0/HeartRule.AppHost.dll --Infrastructure containers --Services containers \
      --Images:Registry "$registry" --Images:Tag "$tag" --GatewayPort "$port" \
    > "$play_dir/container-mode.log" 2>&1) &
  local apphost=$!
  wait_for "the AppHost's gateway" "curl -fsS http://127.0.0.1:$port/health" || status=1
  echo "deploy: container mode up ($((SECONDS - start)) s):"
  podman ps --format '  {{.Names}}\t{{.Image}}' | { grep "$registry/heartrule/.*:$tag\$" || true; } | sed "s|$registry/||"
  if [ "$status" = 0 ]; then
    # Development: the services sign with the documented development key.
    dotnet run --project tools/HeartRule.Play --no-build -- converse --url "ws://127.0.0.1:$port/ws" \
      --signing-key heartrule-development-signing-key-do-not-deploy | tee "$play_dir/container-mode-converse.log" || status=$?
  fi
  if [ "$status" = 0 ]; then
    # The conversation went through the containers: a gateway container logged the start of its session.
    local session container by=""
    session=$(sed -n 's/^converse: session \([0-9a-f-]*\):.*/\1/p' "$play_dir/container-mode-converse.log")
    for container in $(podman ps --filter "ancestor=$registry/heartrule/gateway:$tag" --format '{{.Names}}'); do
      podman logs "$container" 2>&1 | grep "Session $session started" > /dev/null && by=$container
    done
    if [ -n "$by" ]; then echo "deploy: session $session was started by the gateway container $by"
    else echo "deploy: no gateway container started session $session" >&2; status=1; fi
  fi
  kill -TERM "$apphost"
  wait "$apphost" || true
  podman volume ls --format '{{.Name}}' | { grep '^heartrule\.apphost-' || true; } | xargs -r podman volume rm -f > /dev/null
  echo "deploy: container mode played in $((SECONDS - start)) s (AppHost log: $play_dir/container-mode.log)"
  return "$status"
}

case "${1:-}" in
  render) shift; render "$@" ;;
  play) shift; play "$@" ;;
  container-mode) container_mode ;;
  stop-pod) shift; stop_pod "$@" ;;
  start-pod) shift; start_pod "$@" ;;
  down) down ;;
  *) usage ;;
esac
