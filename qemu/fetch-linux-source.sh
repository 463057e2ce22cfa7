#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Unpacks the selected kernel flavor's source into kernel_src_dir (env.sh).
# 6.12 comes from the installed linux-source-6.12 package. 7.3 comes from
# Debian trixie-backports through a private apt configuration under the
# cache: the machine's own apt sources are neither read nor changed.
set -euo pipefail
. "$(dirname "$0")/env.sh"

src=$(kernel_src_dir)
[ -f "$src/Makefile" ] && exit 0

case $KERNEL_SERIES in
6.12)
	tarball() { cat /usr/src/linux-source-6.12.tar.xz; }
	;;
7.3)
	apt=$IMA_NS_CACHE/apt
	mkdir -p "$apt/lists/partial" "$apt/archives/partial"
	cat >"$apt/sources.list" <<-LIST
		deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie-backports main
	LIST
	cat >"$apt/apt.conf" <<-CONF
		Dir::Etc::SourceList "$apt/sources.list";
		Dir::Etc::SourceParts "$apt/none";
		Dir::Etc::Preferences "$apt/none";
		Dir::Etc::PreferencesParts "$apt/none";
		Dir::State "$apt";
		Dir::State::Lists "$apt/lists";
		Dir::State::status "/var/lib/dpkg/status";
		Dir::Cache "$apt";
		Dir::Cache::Archives "$apt/archives";
		APT::Sandbox::User "root";
	CONF
	mkdir -p "$apt/none"
	deb=$apt/archives/linux-source-7.3_${LINUX_SOURCE_73_VERSION//:/%3a}_all.deb
	if [ ! -f "$deb" ]; then
		echo "fetch-linux-source: downloading linux-source-7.3 $LINUX_SOURCE_73_VERSION" >&2
		APT_CONFIG=$apt/apt.conf apt-get -qq update
		(cd "$apt/archives" &&
			APT_CONFIG=$apt/apt.conf apt-get -qq download \
				"linux-source-7.3=$LINUX_SOURCE_73_VERSION")
	fi
	tarball() { dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/src/linux-source-7.3.tar.xz; }
	;;
esac

echo "fetch-linux-source: unpacking linux-source-$KERNEL_SERIES into $src" >&2
rm -rf "$src.tmp" && mkdir -p "$src.tmp"
tarball | tar -C "$src.tmp" -xJ
mv "$src.tmp/linux-source-$KERNEL_SERIES" "$src" && rmdir "$src.tmp"
