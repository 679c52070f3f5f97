#!/usr/bin/env bash
# Print the path of a Python interpreter of the given minor version (3.10, 3.11), or explain what to install.
set -euo pipefail
version="$1"
for candidate in "python$version" "$(command -v pyenv >/dev/null 2>&1 && pyenv root)/versions/$version"*/bin/python"$version" \
                 /root/.pyenv/versions/"$version"*/bin/python"$version" /usr/bin/python"$version" /usr/local/bin/python"$version"; do
  if path=$(command -v "$candidate" 2>/dev/null) && "$path" -c 'import venv' 2>/dev/null; then
    echo "$path"
    exit 0
  fi
done
case "$version" in
  3.10) why="Rasa 3.6.21 needs Python 3.10 (it refuses 3.11)";;
  *) why="Guichet's application needs Python $version";;
esac
echo "error: no python$version found on PATH or in pyenv. $why: install it (e.g. 'pyenv install $version') and run make again." >&2
exit 1
