# What the benchmark scripts share (sourced): free ports, waiting for a server, and the gateway configuration every
# benchmark measures (the load tool's issuer and upstream, one connection "bench", everything allowed for its group).

PY="${AIRLOCK_TEST_PYTHON:-/root/.pyenv/versions/3.11.7/bin/python3}"
[ -x "$PY" ] || PY=python3

port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

wait_for() { for _ in $(seq 1 300); do curl -sf -o /dev/null "$1" && return 0; sleep 0.1; done; echo "no answer from $1" >&2; exit 1; }

# bench_config FILE PORT UPSTREAM_PORT [STORE_AND_MORE_YAML] [MORE_CONNECTIONS_YAML]
bench_config() {
  mkdir -p "$(dirname "$1")/logs"
  cat > "$1" <<YAML
listen: http://127.0.0.1:$2
store:
${4:-  path: data/airlock.db}
issuers:
  - issuer: http://127.0.0.1:$3/_airlock/demo-oidc
    audiences: [airlock-demo]
    groupsClaim: groups
connections:
  - name: bench
    region: us-east-1
    accountId: "123456789012"
    endpoint: http://127.0.0.1:$3
    credentials: { source: static, accessKeyIdEnv: BENCH_KEY_ID, secretAccessKeyEnv: BENCH_SECRET }
${5:-}
policy:
  statements:
    - Sid: BenchAgents
      Effect: Allow
      Principal: { Group: [bench] }
      Action: "*"
      Resource: "*"
YAML
}

# The gateway's environment: the upstream credential the connection names.
export BENCH_KEY_ID=AKIDBENCHUPSTREAM001 BENCH_SECRET=bench-upstream-secret
