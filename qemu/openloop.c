// SPDX-License-Identifier: GPL-2.0
/*
 * openloop DIR N FILES: N times open(2), read(2) 64 bytes and close(2) the
 * files DIR/0 .. DIR/FILES-1 in turn; prints the loop's CLOCK_MONOTONIC
 * microseconds. make bench-open's workload: the per-open cost of an
 * engine without a shell's own work around it (qemu/bench-open-guest.sh).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	char path[4096], buf[64];
	long n, files, i;

	if (argc != 4) {
		fprintf(stderr, "usage: openloop DIR N FILES\n");
		return 2;
	}
	n = atol(argv[2]);
	files = atol(argv[3]);
	if (n <= 0 || files <= 0)
		return 2;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++) {
		int fd;

		snprintf(path, sizeof(path), "%s/%ld", argv[1], i % files);
		fd = open(path, O_RDONLY);
		if (fd < 0 || read(fd, buf, sizeof(buf)) < 0) {
			perror(path);
			return 1;
		}
		close(fd);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%ld\n", (t1.tv_sec - t0.tv_sec) * 1000000L + (t1.tv_nsec - t0.tv_nsec) / 1000);
	return 0;
}
