#!/bin/sh
# build_channel_post.sh OUT: compile tests/services/channel_post.c against
# the folder libraries of this build ($LW_BUILD), as azure/list_count is.
# Prints the compiler's first lines and fails when it cannot.
B=${LW_BUILD:-build}
CF=$(make -s flags | sed -n 's/^CFLAGS=//p')
LD=$(make -s flags | sed -n 's/^LDLIBS=//p')
# the folder libraries of this build ($B), whatever build `make flags`
# describes when run from inside the testing sub-make
LWLIBS=$(make -s flags | sed -n 's/^LWLIBS=//p' | sed "s|[^ ]*/lib\([a-z]*\)\.a|$B/lib\1.a|g")
for l in $LWLIBS; do
	[ -f "$l" ] || { echo "missing $l (make $B first)"; exit 1; }
done
cc $CF -MF /dev/null -Itests/unit -o "$1" tests/services/channel_post.c \
	$LWLIBS $LD 2> "$1.log" || { head -5 "$1.log"; exit 1; }
