#!/bin/sh
# Wrap the PyInstaller folder in Concept Explorer.app and put it in a .dmg (run on macOS).
#   python packaging/build.py --bundle-only && sh packaging/macos/make_app.sh
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
VERSION=$(python3 -c "import sys; sys.path.insert(0, '$ROOT'); import explorer; print(explorer.__version__)")
APP="$ROOT/dist/Concept Explorer.app"
rm -rf "$APP"
mkdir -p "$APP/Contents/MacOS" "$APP/Contents/Resources"
cp -R "$ROOT/dist/concept-explorer/." "$APP/Contents/MacOS/"
sed "s/@VERSION@/$VERSION/g" "$ROOT/packaging/macos/Info.plist" > "$APP/Contents/Info.plist"
ICONSET="$ROOT/build/concept-explorer.iconset"
mkdir -p "$ICONSET"
for size in 16 32 128 256 512; do
  cp "$ROOT/build/icons/$size.png" "$ICONSET/icon_${size}x${size}.png"
done
iconutil -c icns "$ICONSET" -o "$APP/Contents/Resources/concept-explorer.icns"
hdiutil create -volname "Concept Explorer" -srcfolder "$APP" -ov -format UDZO \
  "$ROOT/dist/concept-explorer-$VERSION-macos.dmg"
