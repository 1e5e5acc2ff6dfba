# Sourced by scripts/test.sh, scripts/demo.sh and .ci/run (not run on its own).
#
#   ensure_venv dev       # .venv with `pip install -e .[dev]` (tests, ruff)
#   ensure_venv runtime   # .venv with `pip install -e .` (enough to serve the app)
#
# The pip step is skipped when .venv already holds an install made from the same
# pyproject.toml: its sha256 is kept in .venv/.installed-<what>. A dev install also
# satisfies a runtime request.

ensure_venv() {
    local what=$1 want stamp spec
    if ! .venv/bin/python -c 'import sys' >/dev/null 2>&1; then
        echo "Creating .venv with $(python3 --version 2>&1)"
        rm -rf .venv
        python3 -m venv .venv
    fi
    want=$(sha256sum pyproject.toml | cut -d' ' -f1)
    for stamp in ".venv/.installed-$what" .venv/.installed-dev; do
        if [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
            return 0
        fi
    done
    spec=.
    [ "$what" = dev ] && spec=".[dev]"
    echo "Installing Duebridge into .venv (pip install -e '$spec'); this takes a minute or two"
    # (this machine's pip.conf names local package folders that may not exist: drop that noise)
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -e "$spec" 2>&1 |
        { grep -v "^WARNING: Location 'file:.*' is ignored" || true; }
    [ "${PIPESTATUS[0]}" -eq 0 ] || return 1
    echo "$want" >".venv/.installed-$what"
}
