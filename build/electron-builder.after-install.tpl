#!/bin/bash
# after-install for the electron-builder deb (linux.deb.afterInstall in build/electron-builder.config.cjs).
# A copy of app-builder-lib/templates/linux/after-install.tpl (electron-builder 26) with ONE change: the
# user-namespace probe for chrome-sandbox runs as an unprivileged user. dpkg runs this script as root, and root
# may create user namespaces even where unprivileged users may not (Debian/UOS kernels with
# kernel.unprivileged_userns_clone=0, max_user_namespaces=0, Ubuntu's AppArmor userns restriction), so the
# upstream probe (`unshare --user true` as root) would wrongly drop the setuid bit there and the app would
# not start without --no-sandbox.
# /opt/${sanitizedProductName}/${executable} is a link to the launcher bin/${executable} (build/after-pack.cjs), so /usr/bin/${executable}
# starts the app through it; the launcher uses the setuid chrome-sandbox only when user namespaces are unavailable.
# electron-builder expands dollar-brace macros made of letters only (executable, sanitizedProductName); plain $vars are bash.

if type update-alternatives >/dev/null 2>&1; then
    # Remove previous link if it doesn't use update-alternatives
    if [ -L '/usr/bin/${executable}' -a -e '/usr/bin/${executable}' -a "`readlink '/usr/bin/${executable}'`" != '/etc/alternatives/${executable}' ]; then
        rm -f '/usr/bin/${executable}'
    fi
    update-alternatives --install '/usr/bin/${executable}' '${executable}' '/opt/${sanitizedProductName}/${executable}' 100 || ln -sf '/opt/${sanitizedProductName}/${executable}' '/usr/bin/${executable}'
else
    ln -sf '/opt/${sanitizedProductName}/${executable}' '/usr/bin/${executable}'
fi

# Can an unprivileged user create a user namespace (what Chromium's namespace sandbox needs)?
userns_ok() {
    [ -L /proc/self/ns/user ] || return 1
    if command -v setpriv >/dev/null 2>&1; then
        setpriv --reuid=65534 --regid=65534 --clear-groups unshare --user --map-root-user true >/dev/null 2>&1
    else
        unshare --user true >/dev/null 2>&1
    fi
}
if userns_ok; then
    chmod 0755 '/opt/${sanitizedProductName}/chrome-sandbox' || true
else
    # Use SUID chrome-sandbox only on systems without user namespaces:
    chmod 4755 '/opt/${sanitizedProductName}/chrome-sandbox' || true
fi

if hash update-mime-database 2>/dev/null; then
    update-mime-database /usr/share/mime || true
fi

if hash update-desktop-database 2>/dev/null; then
    update-desktop-database /usr/share/applications || true
fi

# Install apparmor profile. (Ubuntu 24+) — unchanged from electron-builder's template.
if apparmor_status --enabled > /dev/null 2>&1; then
  APPARMOR_PROFILE_SOURCE='/opt/${sanitizedProductName}/resources/apparmor-profile'
  APPARMOR_PROFILE_TARGET='/etc/apparmor.d/${executable}'
  if apparmor_parser --skip-kernel-load --debug "$APPARMOR_PROFILE_SOURCE" > /dev/null 2>&1; then
    cp -f "$APPARMOR_PROFILE_SOURCE" "$APPARMOR_PROFILE_TARGET"
    if ! { [ -x '/usr/bin/ischroot' ] && /usr/bin/ischroot; } && hash apparmor_parser 2>/dev/null; then
      apparmor_parser --replace --write-cache --skip-read-cache "$APPARMOR_PROFILE_TARGET"
    fi
  else
    echo "Skipping the installation of the AppArmor profile as this version of AppArmor does not seem to support the bundled profile"
  fi
fi
