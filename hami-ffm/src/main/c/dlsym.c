/*
 * The dlsym override. The CUDA runtime looks driver functions up with dlsym on the driver's own handle, so a
 * preloaded export alone is never seen: we answer driver names we export with our exports.
 *
 * Everything else must behave exactly like glibc, RTLD_NEXT included, which glibc resolves relative to its caller's
 * return address. A C wrapper would make us the caller (unless the compiler happens to emit a tail jump), so the entry
 * point is a few instructions of assembly: ask hami_dlsym_decide, and if it has no answer, jump (not call) into the
 * next dlsym with the caller's return address still on the stack. Identical at -O0 and -O2.
 */
#define _GNU_SOURCE
#include "hami.h"

#include <dlfcn.h>
#include <string.h>

#if !defined(__x86_64__)
#error "the dlsym entry point is written for x86-64"
#endif

typedef void *(*dlsym_fn)(void *, const char *);

/* Read by the assembly entry point; set before the first jump through it. */
HAMI_HIDDEN dlsym_fn hami_next_dlsym;
HAMI_HIDDEN void *hami_dlsym_decide(void *handle, const char *name);

static dlsym_fn next_dlsym(void) {
    dlsym_fn fn = __atomic_load_n(&hami_next_dlsym, __ATOMIC_ACQUIRE);
    if (fn == NULL) {
        /* dlvsym is not ours, so RTLD_NEXT here means: the dlsym after this library (glibc's, or another shim's) */
        fn = (dlsym_fn)dlvsym(RTLD_NEXT, "dlsym", "GLIBC_2.34");
        if (fn == NULL) {
            fn = (dlsym_fn)dlvsym(RTLD_NEXT, "dlsym", "GLIBC_2.2.5");
        }
        __atomic_store_n(&hami_next_dlsym, fn, __ATOMIC_RELEASE);
    }
    return fn;
}

void *hami_real_dlsym(void *handle, const char *name) {
    return next_dlsym()(handle, name);
}

/* Our export to answer with, or NULL to let the next dlsym answer for the original caller. */
void *hami_dlsym_decide(void *handle, const char *name) {
    dlsym_fn next = next_dlsym();
    if (name != NULL && handle != RTLD_NEXT && strncmp(name, "nvml", 4) == 0 && hami_nvml_exported(name)) {
        void *found = next(handle, name); /* NVML: our export only where the lookup reached NVML's own */
        return found == NULL ? NULL : hami_nvml_export_for(name, found);
    }
    if (name == NULL || name[0] != 'c' || name[1] != 'u' || handle == RTLD_NEXT || !hami_exported(name)) {
        return NULL;
    }
    void *found = next(handle, name);
    return found == NULL ? NULL : hami_export_for(name, found);
}

__asm__(".text\n"
        ".globl dlsym\n"
        ".type dlsym, @function\n"
        "dlsym:\n"
        "    .cfi_startproc\n"
        "    endbr64\n"
        "    pushq %rdi\n"
        "    .cfi_adjust_cfa_offset 8\n"
        "    pushq %rsi\n"
        "    .cfi_adjust_cfa_offset 8\n"
        "    subq $8, %rsp\n" /* keep the stack 16-byte aligned at the call */
        "    .cfi_adjust_cfa_offset 8\n"
        "    call hami_dlsym_decide\n"
        "    addq $8, %rsp\n"
        "    .cfi_adjust_cfa_offset -8\n"
        "    popq %rsi\n"
        "    .cfi_adjust_cfa_offset -8\n"
        "    popq %rdi\n"
        "    .cfi_adjust_cfa_offset -8\n"
        "    testq %rax, %rax\n"
        "    jnz 1f\n"
        "    jmp *hami_next_dlsym(%rip)\n"
        "1:\n"
        "    ret\n"
        "    .cfi_endproc\n"
        ".size dlsym, .-dlsym\n");
