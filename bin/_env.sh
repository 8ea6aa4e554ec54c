# Shared by bin/demo and bin/test: find Python 3.12+ and make the project's virtual environment.
# Sourced, not run. Leaves ".venv/bin" first on PATH.

find_python() {
  local candidate
  for candidate in python3.13 python3.12 \
      "$HOME"/.pyenv/versions/3.13*/bin/python3 "$HOME"/.pyenv/versions/3.12*/bin/python3 \
      /root/.pyenv/versions/3.13*/bin/python3 /root/.pyenv/versions/3.12*/bin/python3 python3; do
    if command -v "$candidate" >/dev/null 2>&1 \
        && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
      command -v "$candidate"
      return 0
    fi
  done
  echo "Attune needs Python 3.12 or newer (Django 6.1). Install it and try again." >&2
  return 1
}

ensure_venv() {
  local extras="$1" stamp=".venv/.installed-$1"
  if [ ! -x .venv/bin/python ]; then
    "$(find_python)" -m venv .venv
  fi
  if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    .venv/bin/python -m pip install --quiet --upgrade pip 2>&1 | grep -v "is ignored" || true
    .venv/bin/python -m pip install --quiet -e ".[${extras}]" 2>&1 | grep -v "is ignored" || true
    .venv/bin/python -c "import django, django_scopes" || { echo "Installing Attune's packages failed." >&2; return 1; }
    touch "$stamp"
  fi
  export PATH="$PWD/.venv/bin:$PATH"
}
