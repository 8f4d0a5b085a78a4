#!/usr/bin/env bash
# Seeds a Personal Edition estate in a running acrctl emulator, the way a user built theirs: a
# namespace `shop` in cn-hangzhou, and small images pushed with skopeo over the registry protocol.
#
#   examples/migrate-personal/seed.sh EMULATOR_URL [WORKDIR]
#
# EMULATOR_URL is the first line `acrctl emulator serve` prints. WORKDIR (default: a new temporary
# directory) receives the generated images and the registry login (auth.json, mode 0600); the script
# prints nothing secret. Needs bash, curl, tar, gzip, sha256sum and skopeo. Set ACRCTL to the acrctl
# command if it is not this repository's bin/acrctl.js.
#
# Images: every image has a shared 2 MB base layer (the same blob in every repository, so the import
# uploads it once per repository at most) and a 0.3 MB layer of its own naming the repository and tag. The
# release-v* tags are what the example's import rule selects; the others must stay behind.
set -euo pipefail

URL="${1:?usage: seed.sh EMULATOR_URL [WORKDIR]}"
URL="${URL%/}"
WORK="${2:-$(mktemp -d "${TMPDIR:-/tmp}/acrctl-seed.XXXXXX")}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ACRCTL="${ACRCTL:-node $HERE/../../bin/acrctl.js}"
UID_SHOP="1234567890123456"   # the uid of account `shop` in registry.yaml
REGION="cn-hangzhou"

for tool in awk curl tar gzip sha256sum skopeo; do
  command -v "$tool" >/dev/null || { echo "seed.sh: $tool is needed (apt-get install $tool)" >&2; exit 1; }
done
mkdir -p "$WORK"

# 1. The account and its Personal Edition namespace (the emulator's admin API stands in for years of
#    console clicks; repositories are created by the first push, as autoCreate allows).
curl -fsS -XPOST "$URL/_emulator/accounts" -d "{\"uid\":\"$UID_SHOP\"}" >/dev/null
curl -fsS -XPOST "$URL/_emulator/crpe/estates" \
  -d "{\"uid\":\"$UID_SHOP\",\"region\":\"$REGION\",\"namespaces\":[{\"name\":\"shop\",\"autoCreate\":true,\"defaultVisibility\":\"PRIVATE\"}]}" >/dev/null

# 2. Where the Personal Edition registry listens, and a temporary login for it (GET /tokens).
HOST="$($ACRCTL emulator registry --endpoint "$URL" -f "$HERE/registry.yaml" --personal "$REGION" --authfile "$WORK/auth.json" 2>/dev/null)"

# 3. Images, written in skopeo's dir: format: blobs named by their sha256, manifest.json.
digest() { sha256sum "$1" | cut -d' ' -f1; }
size() { wc -c <"$1" | tr -d ' '; }
layer() { # layer DIR-WITH-FILES OUT-PREFIX → OUT-PREFIX.tar.gz, prints "diffid digest size"
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$1" -cf "$2.tar" .
  gzip -n -9 -c "$2.tar" >"$2.tar.gz"
  echo "$(digest "$2.tar") $(digest "$2.tar.gz") $(size "$2.tar.gz")"
}

noise() { # noise SEED BYTES: pseudo-random bytes (the same for the same seed with the same awk)
  LC_ALL=C awk -v seed="$1" -v n="$2" 'BEGIN { srand(seed); for (i = 0; i < n; i++) printf "%c", 1 + int(rand() * 255) }'
}

mkdir -p "$WORK/base/etc" "$WORK/base/usr/lib"
echo "shop base image" >"$WORK/base/etc/base-release"
noise 7 2000000 >"$WORK/base/usr/lib/libshop.so"   # 2 MB that gzip cannot shrink
read -r BASE_DIFF BASE_DIGEST BASE_SIZE < <(layer "$WORK/base" "$WORK/base-layer")

push() { # push REPOSITORY TAG
  local repo="$1" tag="$2" dir="$WORK/images/$1-$2"
  rm -rf "$dir" && mkdir -p "$dir/files/srv"
  echo "$repo $tag" >"$dir/files/srv/version"
  noise "$(printf '%s' "$repo:$tag" | cksum | cut -d' ' -f1)" 300000 >"$dir/files/srv/app"
  local diff dig sz
  read -r diff dig sz < <(layer "$dir/files" "$dir/own")
  printf '{"architecture":"amd64","os":"linux","config":{"Labels":{"org.example.repository":"%s","org.example.tag":"%s"}},"rootfs":{"type":"layers","diff_ids":["sha256:%s","sha256:%s"]}}' \
    "$repo" "$tag" "$BASE_DIFF" "$diff" >"$dir/config.json"
  local cdig csz
  cdig="$(digest "$dir/config.json")" csz="$(size "$dir/config.json")"
  mkdir -p "$dir/image"
  echo 'Directory Transport Version: 1.1' >"$dir/image/version"
  cp "$WORK/base-layer.tar.gz" "$dir/image/$BASE_DIGEST"
  cp "$dir/own.tar.gz" "$dir/image/$dig"
  cp "$dir/config.json" "$dir/image/$cdig"
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%s},{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%s}]}' \
    "$cdig" "$csz" "$BASE_DIGEST" "$BASE_SIZE" "$dig" "$sz" >"$dir/image/manifest.json"
  skopeo --insecure-policy copy --quiet --preserve-digests --dest-tls-verify=false --dest-authfile "$WORK/auth.json" \
    "dir:$dir/image" "docker://$HOST/shop/$repo:$tag"
  echo "pushed $HOST/shop/$repo:$tag  sha256:$(digest "$dir/image/manifest.json")"
}

# Oldest first: "latest N" counts from the newest push.
push storefront release-v1.0
push storefront release-v1.1
push storefront dev-20261120
push storefront release-v1.2
push checkout release-v2.0
push checkout feature-payments
push checkout release-v2.1

echo "Personal Edition registry: $HOST (login in $WORK/auth.json)"
