#!/bin/sh
# Install the unpacked Retake for the current user: the app folder, a `retake` command on the PATH,
# and a desktop menu entry with its icon. `./install.sh --uninstall` removes them again.
# No root needed; follows the XDG base-directory and desktop-entry conventions.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data="${XDG_DATA_HOME:-$HOME/.local/share}"
prefix="${RETAKE_PREFIX:-$HOME/.local/opt/retake}"
bindir="$HOME/.local/bin"
desktop="$data/applications/retake.desktop"
icon_png="$data/icons/hicolor/256x256/apps/retake.png"
icon_svg="$data/icons/hicolor/scalable/apps/retake.svg"

refresh_menus() {
  command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$data/applications" || true
  command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$data/icons/hicolor" || true
}

if [ "${1:-}" = "--uninstall" ]; then
  rm -rf "$prefix"
  rm -f "$bindir/retake" "$desktop" "$icon_png" "$icon_svg"
  refresh_menus
  echo "Retake removed. Your songs, takes and settings were left in place."
  exit 0
fi

if [ ! -x "$here/retake/retake" ]; then
  echo "install.sh: run it from the unpacked folder (retake/retake not found next to it)" >&2
  exit 1
fi

mkdir -p "$(dirname "$prefix")" "$bindir" "$(dirname "$desktop")" "$(dirname "$icon_png")" "$(dirname "$icon_svg")"
rm -rf "$prefix.new"
cp -a "$here/retake" "$prefix.new"
rm -rf "$prefix"
mv "$prefix.new" "$prefix"
ln -sf "$prefix/retake" "$bindir/retake"
cp "$here/retake.png" "$icon_png"
cp "$here/retake.svg" "$icon_svg"
# Absolute Exec/TryExec: menus do not see ~/.local/bin on every desktop.
sed -e "s|^Exec=retake|Exec=$prefix/retake|" -e "s|^TryExec=retake|TryExec=$prefix/retake|" \
  "$here/retake.desktop" > "$desktop"
chmod 644 "$desktop"
refresh_menus

echo "Retake installed in $prefix"
echo "Start it from your applications menu, or run: retake"
case ":$PATH:" in
  *":$bindir:"*) ;;
  *) echo "(add $bindir to your PATH to run 'retake' from a terminal)" ;;
esac
