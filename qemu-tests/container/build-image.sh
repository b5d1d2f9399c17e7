#!/usr/bin/env bash
# Builds the QEMU image of ContainerQemuRunner without an image registry: a minimal
# Debian bookworm root file system with QEMU, made by debootstrap from the Debian archive, imported
# into the container engine. About a minute and 480 MB. With Docker and a registry, the Dockerfile
# beside this script makes an equivalent image: docker build -t "$IMAGE" qemu-tests/container
#
# Usage: build-image.sh [--force]     (root; needs debootstrap and podman, or ENGINE=docker)
#   --force   rebuild even when the engine already has the image
#   MIRROR    Debian mirror for debootstrap (default: debootstrap's own)
set -euo pipefail

# Keep in step with ContainerQemuRunner.IMAGE (a test checks it).
IMAGE=mcugen-qemu:bookworm-1
ENGINE=${ENGINE:-podman}

if [ "${1:-}" != "--force" ] && "$ENGINE" image inspect "$IMAGE" >/dev/null 2>&1; then
  echo "$IMAGE is already in $ENGINE"
  exit 0
fi
command -v debootstrap >/dev/null || { echo "build-image.sh: debootstrap is missing (apt-get install debootstrap)" >&2; exit 1; }
command -v "$ENGINE" >/dev/null || { echo "build-image.sh: $ENGINE is missing" >&2; exit 1; }

root=$(mktemp -d /var/tmp/mcugen-qemu-root.XXXXXX)
trap 'rm -rf "$root"' EXIT
echo "debootstrap: bookworm minbase + qemu-system-arm qemu-user into $root"
# shellcheck disable=SC2086 # MIRROR is one optional word
debootstrap --variant=minbase --include=qemu-system-arm,qemu-user bookworm "$root" ${MIRROR:-} >"$root.log" 2>&1 \
  || { tail -20 "$root.log" >&2; echo "build-image.sh: debootstrap failed (log: $root.log)" >&2; exit 1; }
rm -f "$root.log"
# Smaller image: no package lists or caches are needed to run QEMU.
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
tar -C "$root" -c . | "$ENGINE" import - "$IMAGE"
echo "built $IMAGE"
