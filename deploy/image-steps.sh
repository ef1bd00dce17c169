#!/usr/bin/env bash
# Runs deploy/Dockerfile's steps without a container engine, as the suite must (no engine runs where it is tested):
# its COPY sources into a scratch root, its restore and publish commands, then its ENTRYPOINT + CMD as its USER id with
# its ENV, and its HEALTHCHECK command until it passes. Each command is read from the Dockerfile, not restated here;
# only the image's absolute paths are moved under the scratch root, and its ports to free ones (as `docker run -p` would).
# Usage: bash deploy/image-steps.sh [scratch-dir]   (exit 0: the published app started as that user and answered /readyz)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
dockerfile=deploy/Dockerfile
root=${1:-$(mktemp -d /tmp/airlock-image-XXXXXX)}
PY="${AIRLOCK_TEST_PYTHON:-/root/.pyenv/versions/3.11.7/bin/python3}"
[ -x "$PY" ] || PY=python3
port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
api=$(port); admin=$(port)

# The image's paths, moved under the scratch root; its ports, moved to free ones.
map() { sed -e "s#/src/#$root/src/#g; s#/src\$#$root/src#g; s#-o /app#-o $root/app#g; s#/app/#$root/app/#g" \
            -e "s#/etc/airlock#$root/etc/airlock#g; s#/var/lib/airlock#$root/var/lib/airlock#g" \
            -e "s#127.0.0.1:9091#127.0.0.1:$admin#g"; }
json_args() { "$PY" -c 'import json,sys; print("\n".join(json.loads(sys.stdin.read())))'; }
build_stage() { awk '/^FROM .* AS build/{b=1;next} /^FROM /{b=0} b' "$dockerfile"; }
runtime_stage() { awk '/^FROM .* AS runtime/{r=1;next} /^FROM /{r=0} r' "$dockerfile"; }

mkdir -p "$root" && chmod 755 "$root"
mkdir -p "$root/src" "$root/app" "$root/etc/airlock" "$root/var/lib/airlock"
# COPY <sources…> <destination> of the build stage, relative to the repository (the build context).
while read -r _ rest; do
  read -ra parts <<< "$rest"
  dest=${parts[-1]}; unset 'parts[-1]'
  for src in "${parts[@]}"; do
    target="$root/src/${dest#./}"
    mkdir -p "$target"
    # As COPY does: a folder's contents into the destination, a file into it.
    if [ -d "$repo/$src" ]; then cp -r "$repo/$src/." "$target"; else cp "$repo/$src" "$target"; fi
  done
done < <(build_stage | grep '^COPY ')
# What .dockerignore keeps out of the build context.
while read -r ignored; do
  find "$root/src" -depth -type d -name "${ignored##*/}" -exec rm -rf {} +
done < <(grep -v '^#' .dockerignore | grep .)

# RUN steps of the build stage, from WORKDIR /src.
while read -r step; do
  echo "+ $step"
  (cd "$root/src" && eval "$(echo "$step" | map)") < /dev/null > "$root/build.log" 2>&1 || { cat "$root/build.log" >&2; exit 1; }
done < <(build_stage | sed -n 's/^RUN //p')

uid=$(runtime_stage | sed -n 's/^USER //p')
[ "$uid" -gt 0 ] || { echo "the runtime stage must name a non-root USER id" >&2; exit 1; }
chown -R "$uid:$uid" "$root/var/lib/airlock"
# ENV lines (continued with \) as KEY=VALUE words.
envs=$(runtime_stage | awk '/^ENV /{e=1} e{print} e && !/\\$/{e=0}' | sed -e 's/^ENV //' -e 's/\\$//' | tr -s ' \n' '\n\n' | grep = | map)
entry=$(runtime_stage | sed -n 's/^ENTRYPOINT //p' | json_args | map)
cmd=$(runtime_stage | sed -n 's/^CMD //p' | json_args | map)
health=$(runtime_stage | sed -n 's/^HEALTHCHECK .* CMD //p' | json_args | map)

cat > "$root/etc/airlock/airlock.yaml" <<YAML
listen: http://127.0.0.1:$api
admin:
  listen: http://127.0.0.1:$admin
store:
  path: $root/var/lib/airlock/airlock.db
issuers:
  - issuer: http://127.0.0.1:1/image-check
    audiences: [airlock]
connections:
  - name: image-check
    endpoint: http://127.0.0.1:1
    credentials: { source: static, accessKeyIdEnv: IMAGE_CHECK_KEY_ID, secretAccessKeyEnv: IMAGE_CHECK_SECRET }
YAML
chmod -R a+rX "$root/app" "$root/etc"

# The image's environment only (and the test's upstream key), as its user: one command, so $! is the gateway itself.
read -ra image_env <<< "$(echo $envs)"
as_user=(env -i PATH="$PATH" HOME=/nonexistent IMAGE_CHECK_KEY_ID=AKIDIMAGECHECK IMAGE_CHECK_SECRET=image-check-secret
  "${image_env[@]}" setpriv --reuid="$uid" --regid="$uid" --clear-groups)
mapfile -t entry_args <<< "$entry"
mapfile -t cmd_args <<< "$cmd"
mapfile -t health_args <<< "$health"
echo "+ (uid $uid) ${entry_args[*]} ${cmd_args[*]}"
"${as_user[@]}" "${entry_args[@]}" "${cmd_args[@]}" > "$root/airlock.log" 2>&1 &
gateway=$!
trap 'kill $gateway 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
  if "${as_user[@]}" "${health_args[@]}" > "$root/health.json" 2>&1; then
    echo "+ (uid $uid) ${health_args[*]}: ready"
    cat "$root/health.json"
    echo "process user: $(ps -o uid= -p $gateway | tr -d ' ')"
    kill -TERM $gateway; stopped=0; wait $gateway || stopped=$?; echo "stopped on SIGTERM: exit $stopped"; [ "$stopped" = 0 ] || { cat "$root/airlock.log" >&2; exit 1; }
    exit 0
  fi
  kill -0 $gateway 2>/dev/null || { echo "the gateway exited:" >&2; cat "$root/airlock.log" >&2; exit 1; }
  sleep 0.5
done
echo "not ready in 30 s:" >&2; cat "$root/health.json" "$root/airlock.log" >&2
exit 1
