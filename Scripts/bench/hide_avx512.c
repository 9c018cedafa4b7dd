// LD_PRELOAD library that makes a process see this CPU without AVX-512 (and AMX), so that every
// library in it (oneDNN, onnxruntime's MLAS, PyTorch's ATen dispatch, cpuinfo) picks the kernels it
// would pick on an AVX2 machine. Used by Scripts/as_avx2_cpu.sh for benchmarks and test runs;
// ONEDNN_MAX_CPU_ISA only caps oneDNN, and onnxruntime has no cap at all.
//
// How: Linux's CPUID faulting (arch_prctl(ARCH_SET_CPUID, 0), CPUs and hypervisors with the
// `cpuid_fault` flag) makes the CPUID instruction raise SIGSEGV in this thread and every thread it
// creates. The handler runs the real CPUID with faulting briefly off, clears the feature bits below
// in the answer, writes it into the interrupted thread's registers and steps over the 2-byte
// instruction. Handlers other code installs for SIGSEGV later are kept and called for every other
// fault (sigaction and signal are wrapped), so crashes still reach them.
//
// Masked: leaf 7 subleaf 0 EBX AVX512F/DQ/IFMA/PF/ER/CD/BW/VL, ECX AVX512_VBMI/VBMI2/VNNI/BITALG/
// VPOPCNTDQ, EDX AVX512_4VNNIW/4FMAPS/VP2INTERSECT/FP16 and AMX-BF16/TILE/INT8; leaf 7 subleaf 1
// EAX AVX-VNNI and AVX512_BF16; leaf 0xD subleaf 0 EAX the opmask/ZMM state bits (what XCR0 reports is left:
// XGETBV cannot be intercepted, and libraries require both the CPUID bit and the XCR0 state).
//
// Build: cc -O2 -shared -fPIC -o hide_avx512.so hide_avx512.c -ldl
#define _GNU_SOURCE
#include <asm/prctl.h>
#include <dlfcn.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

static struct sigaction next_handler;  // what the program installed for SIGSEGV after us
static int (*real_sigaction)(int, const struct sigaction *, struct sigaction *);

static long set_cpuid_faulting(int on) { return syscall(SYS_arch_prctl, ARCH_SET_CPUID, on ? 0 : 1); }

static void masked_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t r[4]) {
  __asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(subleaf));
  if (leaf == 7 && subleaf == 0) {
    r[1] &= ~((1u << 16) | (1u << 17) | (1u << 21) | (1u << 26) | (1u << 27) | (1u << 28) | (1u << 30) | (1u << 31));
    r[2] &= ~((1u << 1) | (1u << 6) | (1u << 11) | (1u << 12) | (1u << 14));
    r[3] &= ~((1u << 2) | (1u << 3) | (1u << 8) | (1u << 23) | (1u << 22) | (1u << 24) | (1u << 25));
  } else if (leaf == 7 && subleaf == 1) {
    r[0] &= ~((1u << 4) | (1u << 5));  // AVX-VNNI (not on AMD Zen 3, the AVX2 machines meant here), AVX512_BF16
  } else if (leaf == 0xD && subleaf == 0) {
    r[0] &= ~(0xE0u | (3u << 17));  // opmask, ZMM_Hi256, Hi16_ZMM; AMX tile config and data
  }
}

static void on_segv(int signal, siginfo_t *info, void *context) {
  ucontext_t *uc = context;
  greg_t *registers = uc->uc_mcontext.gregs;
  const unsigned char *pc = (const unsigned char *)registers[REG_RIP];
  if (info->si_code == SI_KERNEL && pc[0] == 0x0F && pc[1] == 0xA2) {
    uint32_t r[4];
    set_cpuid_faulting(0);
    masked_cpuid((uint32_t)registers[REG_RAX], (uint32_t)registers[REG_RCX], r);
    set_cpuid_faulting(1);
    registers[REG_RAX] = r[0];
    registers[REG_RBX] = r[1];
    registers[REG_RCX] = r[2];
    registers[REG_RDX] = r[3];
    registers[REG_RIP] += 2;
    return;
  }
  // Any other fault: the program's own handler, else the default action (a core dump, as without us).
  if (next_handler.sa_flags & SA_SIGINFO) {
    next_handler.sa_sigaction(signal, info, context);
  } else if (next_handler.sa_handler != SIG_DFL && next_handler.sa_handler != SIG_IGN) {
    next_handler.sa_handler(signal);
  } else {
    struct sigaction fallback = {.sa_handler = SIG_DFL};
    real_sigaction(SIGSEGV, &fallback, NULL);
    raise(SIGSEGV);
  }
}

int sigaction(int signal, const struct sigaction *action, struct sigaction *old) {
  if (signal != SIGSEGV) return real_sigaction(signal, action, old);
  if (old) *old = next_handler;
  if (action) next_handler = *action;
  return 0;
}

sighandler_t signal(int number, sighandler_t handler) {
  struct sigaction action = {.sa_handler = handler}, old;
  if (sigaction(number, &action, &old) != 0) return SIG_ERR;
  return old.sa_handler;
}

// Libraries a program links against run their initialisers before a preloaded library's constructor,
// and oneDNN reads the CPU in its own. So the set-up also runs on the first getenv call, which
// libgomp's initialiser (a dependency of oneDNN, so initialised before it) makes; glibc's own start-up
// reads CPUID earlier still (its string functions may keep AVX-512 variants; the script's
// GLIBC_TUNABLES asks glibc not to).
static void hide_avx512(void) {
  static int done;
  if (done) return;
  done = 1;
  real_sigaction = dlsym(RTLD_NEXT, "sigaction");
  struct sigaction action = {.sa_sigaction = on_segv, .sa_flags = SA_SIGINFO | SA_NODEFER};
  sigemptyset(&action.sa_mask);
  real_sigaction(SIGSEGV, &action, NULL);
  if (set_cpuid_faulting(1) != 0) {
    fprintf(stderr, "hide_avx512: this CPU or hypervisor has no CPUID faulting; AVX-512 stays visible\n");
    exit(3);
  }
}

__attribute__((constructor)) static void set_up(void) { hide_avx512(); }

char *getenv(const char *name) {
  static char *(*real_getenv)(const char *);
  hide_avx512();
  if (!real_getenv) real_getenv = dlsym(RTLD_NEXT, "getenv");
  return real_getenv(name);
}
