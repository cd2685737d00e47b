/*
 * doc_map.c: mapping a file so that it may shrink under us.  A mapped file that is truncated
 * while open makes every access past its new end raise SIGBUS, which would kill the reader.
 * The handler here replaces the lost pages of a registered mapping with zero pages, so the text
 * reads as NUL bytes there (shown as ^@) and the reader goes on; any other SIGBUS is re-raised.
 */
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "doc_map.h"

#define MAX_MAPS 16

struct region {
    volatile uintptr_t start, end; /* 0, 0 when free */
};

static struct region regions[MAX_MAPS];
static volatile sig_atomic_t truncated;

static void on_sigbus(int sig, siginfo_t *info, void *ctx)
{
    uintptr_t addr = (uintptr_t)info->si_addr;
    long page = sysconf(_SC_PAGESIZE);

    (void)ctx;
    for (int i = 0; i < MAX_MAPS; i++) {
        if (addr >= regions[i].start && addr < regions[i].end) {
            void *p = (void *)(addr & ~(uintptr_t)(page - 1));
            if (mmap(p, (size_t)page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) !=
                MAP_FAILED) {
                truncated = 1;
                return;
            }
        }
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

/* (Re)install the handler: someone (a test harness) may have replaced it since. */
static void install(void)
{
    struct sigaction sa, old;

    if (sigaction(SIGBUS, NULL, &old) == 0 && (old.sa_flags & SA_SIGINFO) &&
        old.sa_sigaction == on_sigbus)
        return;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_sigbus;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGBUS, &sa, NULL);
}

/* Map SIZE bytes of FD read-only, guarded against truncation; NULL (errno set) on failure. */
void *doc_map(int fd, size_t size)
{
    void *p;
    int slot = -1;

    for (int i = 0; i < MAX_MAPS && slot < 0; i++)
        if (regions[i].start == 0)
            slot = i;
    p = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED)
        return NULL;
    install();
    if (slot >= 0) {
        regions[slot].end = (uintptr_t)p + size;
        regions[slot].start = (uintptr_t)p;
    }
    return p;
}

/* Unmap what doc_map mapped. */
void doc_unmap(void *p, size_t size)
{
    for (int i = 0; i < MAX_MAPS; i++) {
        if (regions[i].start == (uintptr_t)p) {
            regions[i].start = 0;
            regions[i].end = 0;
        }
    }
    munmap(p, size);
}

/* Whether a mapped file was found cut short since the start. */
int doc_map_truncated(void)
{
    return truncated;
}
