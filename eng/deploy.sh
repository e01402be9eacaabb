#!/usr/bin/env bash
# Kubernetes manifests from the AppHost's model (docs/deploy.md).
#   ./eng/deploy.sh render DIR [AppHost options]
#       writes DIR/app (the services, their generated Secrets, NetworkPolicies, the Ingress) and
#       DIR/dev-infrastructure (PostgreSQL, Redis, RabbitMQ as StatefulSets): the AppHost's publishing step
#       kubernetes-manifests. Images: HEARTRULE_IMAGE_REGISTRY (default 127.0.0.1:5100, eng/images.sh's registry)
#       and the tag eng/images.sh gives this tree. AppHost options, e.g. --Replicas:gateway 3,
#       --Ingress:Host chat.example.org, --Parameters:auth-signing-key KEY.
#       Rendering into the same DIR again keeps the generated secrets; never commit DIR.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

usage() { sed -n '2,9p' "$0"; exit 2; }

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

case "${1:-}" in
  render) shift; render "$@" ;;
  *) usage ;;
esac
