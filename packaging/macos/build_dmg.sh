#!/usr/bin/env bash
# dist/Roomcast-<version>.dmg from dist/Roomcast.app, on macOS.
#
#   pyinstaller --noconfirm --clean packaging/roomcast.spec --distpath dist --workpath build/pyinstaller
#   packaging/macos/build_dmg.sh
#
# The disk image holds Roomcast.app and a link to /Applications to drag it onto.
# The app is signed ad hoc only (PyInstaller does that); signing with a Developer ID
# and notarizing need Apple credentials and are not done here, so on first start
# Gatekeeper asks the user to confirm (right-click > Open).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

version=$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' server/__init__.py)
app=dist/Roomcast.app
dmg="dist/Roomcast-${version}.dmg"
if [[ -z "$version" ]]; then
    echo "build_dmg: no __version__ in server/__init__.py" >&2
    exit 1
fi
if [[ ! -d "$app" ]]; then
    echo "build_dmg: $app not found; build it first with pyinstaller packaging/roomcast.spec" >&2
    exit 1
fi

staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
cp -R "$app" "$staging/"
ln -s /Applications "$staging/Applications"
hdiutil create -volname Roomcast -srcfolder "$staging" -ov -format UDZO "$dmg"
echo "build_dmg: $dmg ($(du -h "$dmg" | cut -f1))"
