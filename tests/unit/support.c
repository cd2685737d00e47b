/*
 * support.c: small helpers shared by the unit suites (declared in unit.h).
 */
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"

/* Remove PATH and, for a directory, everything below it (a test's temporary files). */
void test_remove_tree(const char *path)
{
    struct stat sb;
    DIR *d;
    struct dirent *de;
    char sub[4096];

    if (lstat(path, &sb) < 0)
        return;
    if (S_ISDIR(sb.st_mode) && (d = opendir(path)) != NULL) {
        while ((de = readdir(d)) != NULL) {
            if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                continue;
            snprintf(sub, sizeof sub, "%s/%s", path, de->d_name);
            test_remove_tree(sub);
        }
        closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}
