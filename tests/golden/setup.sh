# Sourced by run.sh and cli_errors.sh: the paths, a work folder removed on exit, and the fixed
# test secret. Sets here, root, shared, work and MEDTAP_SECRET_FILE.
here=$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd)
root=$(cd "$here/../.." && pwd)
shared=${MEDTAP_SHARED_DIR:-$root/../shared}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Patient tokens are keyed by a fixed test secret so that expectations are stable; git does not
# keep file modes, and medtap refuses a secret others can read.
install -m 600 "$here/token-secret.key" "$work/token-secret.key"
export MEDTAP_SECRET_FILE=$work/token-secret.key
