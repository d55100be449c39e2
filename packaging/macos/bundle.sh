#!/usr/bin/env bash
# macOS: finish the .app PyInstaller built (dist/agent-desktop.app), sign and notarise it, and
# wrap it in a .dmg. Run on a Mac after `python packaging/build.py`.
#
# macOS shows notifications only for a signed bundle with a bundle id, so the Info.plist
# generated from agent_desktop/identity.py replaces PyInstaller's. The identity comes from the
# environment, never from this repository:
#   MACOS_SIGNING_IDENTITY  "Developer ID Application: Name (TEAMID)", in the login keychain.
#                           Unset: an ad-hoc signature (the app runs on this Mac only).
#   MACOS_NOTARY_PROFILE    a notarytool keychain profile (xcrun notarytool store-credentials),
#   or MACOS_NOTARY_APPLE_ID + MACOS_NOTARY_TEAM_ID + MACOS_NOTARY_PASSWORD (app-specific).
#                           Unset: not notarised (Gatekeeper warns on other Macs).
set -euo pipefail
cd "$(dirname "$0")/../.."

app=dist/agent-desktop.app
if [ ! -d "$app" ]; then
  echo "bundle: no $app; run python packaging/build.py on macOS first" >&2
  exit 1
fi
python packaging/icons.py dist/icons >/dev/null
cp packaging/macos/Info.plist "$app/Contents/Info.plist"
cp dist/icons/agent-desktop.icns "$app/Contents/Resources/agent-desktop.icns"
plutil -lint "$app/Contents/Info.plist"
version=$(python -c 'from agent_desktop import __version__; print(__version__)')

if [ -n "${MACOS_SIGNING_IDENTITY:-}" ]; then
  # Hardened runtime (notarisation requires it) with the entitlements an embedded Python needs.
  codesign --force --deep --timestamp --options runtime \
    --entitlements packaging/macos/entitlements.plist \
    --sign "$MACOS_SIGNING_IDENTITY" "$app"
  codesign --verify --strict --verbose=2 "$app"
else
  echo "bundle: MACOS_SIGNING_IDENTITY is not set: ad-hoc signature, no notifications elsewhere"
  codesign --force --deep --sign - "$app"
fi

dmg="dist/agent-desktop-$version-macos.dmg"
rm -f "$dmg"
staging=$(mktemp -d)
cp -R "$app" "$staging/"
ln -s /Applications "$staging/Applications"
hdiutil create -volname "Agent Desktop" -srcfolder "$staging" -ov -format UDZO "$dmg"
rm -rf "$staging"

if [ -n "${MACOS_SIGNING_IDENTITY:-}" ]; then
  codesign --force --timestamp --sign "$MACOS_SIGNING_IDENTITY" "$dmg"
fi
if [ -n "${MACOS_NOTARY_PROFILE:-}" ]; then
  xcrun notarytool submit "$dmg" --keychain-profile "$MACOS_NOTARY_PROFILE" --wait
  xcrun stapler staple "$dmg"
elif [ -n "${MACOS_NOTARY_APPLE_ID:-}" ]; then
  xcrun notarytool submit "$dmg" --apple-id "$MACOS_NOTARY_APPLE_ID" \
    --team-id "$MACOS_NOTARY_TEAM_ID" --password "$MACOS_NOTARY_PASSWORD" --wait
  xcrun stapler staple "$dmg"
else
  echo "bundle: no notary credentials in the environment: $dmg is not notarised"
fi
echo "built $dmg"
